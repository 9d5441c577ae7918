import { describe, expect, it } from 'vitest';
import {
  MAX_FILE_BYTES,
  checkDecodedText,
  checkFileBeforeRead,
  checkVocabSize,
  formatCount,
  normalizeNewlines,
  splitPercent,
  textareaView,
} from './text-input';

describe('formatting', () => {
  it('formats counts with thousands separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
  });

  it('formats the split as percentages that add up to 100', () => {
    expect(splitPercent(900, 100)).toBe('90% / 10%');
    expect(splitPercent(2, 1)).toBe('67% / 33%');
    expect(splitPercent(0, 0)).toBe('—');
  });
});

describe('textareaView', () => {
  it('shows short text whole and editable', () => {
    expect(textareaView('hello', 10)).toEqual({ value: 'hello', truncated: false });
    expect(textareaView('0123456789', 10)).toEqual({ value: '0123456789', truncated: false });
  });

  it('cuts long text at the limit', () => {
    const v = textareaView('x'.repeat(25), 10);
    expect(v).toEqual({ value: 'x'.repeat(10), truncated: true });
  });

  it('does not split a surrogate pair', () => {
    const text = 'abcdefghi😀tail'; // the emoji occupies UTF-16 indices 9 and 10
    const v = textareaView(text, 10);
    expect(v.value).toBe('abcdefghi');
    expect(v.truncated).toBe(true);
  });
});

describe('file checks', () => {
  const file = (name: string, size: number, type = 'text/plain') => ({ name, size, type });

  it('accepts text files', () => {
    expect(checkFileBeforeRead(file('a.txt', 100))).toBeNull();
    expect(checkFileBeforeRead(file('a.json', 100, 'application/json'))).toBeNull();
    expect(checkFileBeforeRead(file('a.log', 100, ''))).toBeNull();
  });

  it('refuses empty, huge and non-text files with the file name in the message', () => {
    expect(checkFileBeforeRead(file('e.txt', 0))).toMatch(/e\.txt is empty/);
    expect(checkFileBeforeRead(file('big.txt', MAX_FILE_BYTES + 1))).toMatch(/big\.txt is 50 MiB.*up to 50 MiB/);
    expect(checkFileBeforeRead(file('cat.png', 100, 'image/png'))).toMatch(/cat\.png is not a text file \(its type is image\/png\)/);
    expect(checkFileBeforeRead(file('a.zip', 100, 'application/zip'))).toMatch(/not a text file/);
    expect(checkFileBeforeRead(file('a.docx', 100, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'))).toMatch(/not a text file/);
  });

  it('accepts decoded text, even with a stray undecodable byte', () => {
    expect(checkDecodedText('hello world', 'a.txt')).toBeNull();
    expect(checkDecodedText('caf\ufffd au lait, '.repeat(1) + 'x'.repeat(5000), 'a.txt')).toBeNull();
  });

  it('refuses binary and wrongly encoded text', () => {
    expect(checkDecodedText('', 'a.txt')).toMatch(/empty/);
    expect(checkDecodedText('PK\u0003\u0004\u0000\u0000', 'a.bin')).toMatch(/a\.bin contains NUL bytes/);
    expect(checkDecodedText('\ufffd\ufffdh\u0000e\u0000', 'utf16.txt')).toMatch(/NUL bytes/);
    expect(checkDecodedText('\ufffd'.repeat(10) + 'abc', 'latin1.txt')).toMatch(/latin1\.txt is not valid UTF-8 text \(10 characters/);
  });

  it('normalizes Windows and old Mac line endings', () => {
    expect(normalizeNewlines('a\r\nb\rc\n')).toBe('a\nb\nc\n');
    const s = 'no carriage returns\n';
    expect(normalizeNewlines(s)).toBe(s);
  });
});

describe('checkVocabSize', () => {
  it('accepts whole numbers from 256 to 8192', () => {
    expect(checkVocabSize(256)).toBeNull();
    expect(checkVocabSize(512)).toBeNull();
    expect(checkVocabSize(8192)).toBeNull();
  });

  it('refuses anything else', () => {
    for (const v of [255, 8193, 300.5, NaN, 0, -512]) expect(checkVocabSize(v), String(v)).toMatch(/256 to 8,192/);
  });
});

// The Inspect tab: six ways of looking inside the model on screen, each a titled section
// (a landmark), with links to them at the top. Every view asks the worker when its button is
// pressed; none of them runs by itself, so the tab costs nothing until it is used.
import type { MouseEvent } from 'react';
import { AblationView } from './AblationView';
import { sectionId } from './common';
import { EmbeddingsView } from './EmbeddingsView';
import { LensView } from './LensView';
import { NeuronsView } from './NeuronsView';
import { PatchView } from './PatchView';
import { SurprisalView } from './SurprisalView';
import './inspect.css';

const VIEWS = [
  { id: 'surprisal', title: 'Surprisal' },
  { id: 'ablation', title: 'Head ablation' },
  { id: 'lens', title: 'Logit lens' },
  { id: 'patch', title: 'Activation patching' },
  { id: 'embeddings', title: 'Embeddings' },
  { id: 'neurons', title: 'Neurons' },
] as const;

/**
 * Scrolls to a view and moves focus to its heading, leaving the address alone (its fragment
 * is where a share link travels).
 */
function jumpTo(e: MouseEvent, id: string) {
  const heading = document.getElementById(`${sectionId(id)}-title`);
  if (!heading) return;
  e.preventDefault();
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  heading.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
  heading.focus({ preventScroll: true });
}

export function InspectPage() {
  return (
    <div className="inspect" data-testid="inspect-page">
      <nav className="inspect-nav" aria-label="Inspect views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <a href={`#${sectionId(v.id)}`} onClick={(e) => jumpTo(e, v.id)}>
                {v.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="inspect-grid">
        <SurprisalView />
        <AblationView />
        <LensView />
        <PatchView />
        <EmbeddingsView />
        <NeuronsView />
      </div>
    </div>
  );
}

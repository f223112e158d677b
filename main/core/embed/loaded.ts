// The one "loaded model" shape of the core: an open model package and its row id in the store
// (which names its vector, tag and similar-pair tables). Parts that need less of the model
// (duplicates only reads the manifest) narrow the model type, never redeclare the pair.
import type { UserMessage } from '../api.js';
import type { EmbeddingModel } from './encoder.js';

export interface LoadedModel<M extends Pick<EmbeddingModel, 'manifest'> = EmbeddingModel> {
  model: M;
  modelId: number;
  /** Its identity in the store (`<id>#<digest of the image tower>`, embed/identity.ts). */
  key?: string;
  /** Set only when a GPU provider was asked for explicitly and could not be used (embed/provider-note.ts). */
  providerNote?: UserMessage | null;
}

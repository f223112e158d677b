// The model package format: a folder holding `manifest.json` plus the files it names.
// Every model Kanjian runs — a downloaded export, a user's own export, the test fixture —
// is one of these, so the runtime never guesses how to feed a model.
//
//   <package>/manifest.json
//   <package>/visual/model.onnx          (image tower)
//   <package>/textual/model.onnx         (text tower)
//   <package>/textual/tokenizer.json     (Hugging Face tokenizers format)
//
// Paths inside the manifest are relative to the package folder.

export type TensorType = 'float32' | 'int32' | 'int64';

/** 'squash': resize both sides to `size` ignoring aspect. 'shortest-crop': shortest side to `size`, centre crop. */
export type ResizeMode = 'squash' | 'shortest-crop';

export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos';

export interface ImageTowerSpec {
  /** ONNX file, relative to the package. */
  file: string;
  /** Optional dynamically quantised variant; used when the runtime is asked for int8. */
  int8File?: string;
  input: { name: string; type: 'float32' };
  output: string;
  /** Square input side in pixels; the input tensor is [1, 3, size, size] (NCHW, RGB). */
  size: number;
  resize: ResizeMode;
  interpolation: Interpolation;
  /** Applied after scaling pixels to 0..1: (x - mean) / std, per RGB channel. */
  mean: [number, number, number];
  std: [number, number, number];
  /** True when the graph's output is not unit length and the runtime must L2-normalise it. */
  normalize: boolean;
  /** Fixed batch size of the graph (1 for Immich exports); null for a dynamic batch axis. */
  batch: number | null;
}

export interface TextTowerSpec {
  file: string;
  int8File?: string;
  /** tokenizer.json readable by @huggingface/tokenizers. */
  tokenizer: string;
  contextLength: number;
  padId: number;
  /** Token ids input. */
  ids: { name: string; type: 'int32' | 'int64' };
  /** Attention-mask input, when the graph takes one (1 for tokens, 0 for padding). */
  mask?: { name: string; type: 'int32' | 'int64' };
  output: string;
  normalize: boolean;
  /** Some exports (NLLB-CLIP) want a prefix such as a language code; empty for most. */
  prefix?: string;
  /** Lower-case the query before tokenizing (SigLIP 2 was trained on lower-cased text). */
  lowercase?: boolean;
}

export interface ModelManifest {
  /** Stable id, e.g. "xlm-roberta-base-vit-b-32". Used as the vector-table key. */
  id: string;
  name: string;
  /** Test fixtures set this; the app never offers a fixture to users. */
  fixture?: boolean;
  /** BCP-47-ish language codes the text tower understands well, e.g. ["zh", "en"]. */
  languages: string[];
  embeddingDim: number;
  image: ImageTowerSpec;
  text: TextTowerSpec;
  search: {
    /**
     * Calibrated relevance cut-off for a text→image cosine score: results below it are not
     * shown. Per model, because CLIP-family score ranges differ between models.
     */
    minScore: number;
  };
  /** Where the package came from (registry id, revision), for the UI and for re-downloads. */
  source?: { registryId?: string; repo?: string; revision?: string };
}

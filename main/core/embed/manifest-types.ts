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

// The format itself is the valibot schema in manifest-schema.ts; these types are inferred from it.
import type * as v from 'valibot';
import type { ImageTowerSchema, INTERPOLATIONS, ManifestSchema, RESIZE_MODES, TextTowerSchema } from './manifest-schema.js';

export type TensorType = 'float32' | 'int32' | 'int64';

/** 'squash': resize both sides to `size` ignoring aspect. 'shortest-crop': shortest side to `size`, centre crop. */
export type ResizeMode = (typeof RESIZE_MODES)[number];
export type Interpolation = (typeof INTERPOLATIONS)[number];
export type ImageTowerSpec = v.InferOutput<typeof ImageTowerSchema>;
export type TextTowerSpec = v.InferOutput<typeof TextTowerSchema>;
export type ModelManifest = v.InferOutput<typeof ManifestSchema>;

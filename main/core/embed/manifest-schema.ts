// manifest.json of a model package as a valibot schema: the one description of the format
// (the types in manifest-types.ts are inferred from it; the registry reuses its tower schemas).
// Every problem is collected rather than stopping at the first, so a user fixing a hand-made
// package sees the whole list in one go, each as "field: what it must be (got what)".
import * as v from 'valibot';

/** "a string (got 5)". */
function got(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'object' && !Array.isArray(input)) return 'an object';
  const s = JSON.stringify(input);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A message for a value that is there but wrong; "missing" when a required key is absent. */
const must = (want: string) => (issue: v.BaseIssue<unknown>) =>
  issue.input === undefined && issue.kind === 'schema' ? 'missing' : `must be ${want} (got ${got(issue.input)})`;

/** Objects: "missing" for an absent key (valibot reports it on the object), else the wrong type. */
const obj = <E extends v.ObjectEntries>(entries: E) => v.object(entries, must('an object'));

const str = (opts: { allowEmpty?: boolean } = {}) =>
  opts.allowEmpty
    ? v.string(must('a string'))
    : v.pipe(v.string(must('a string')), v.check((s) => s.trim() !== '', must('a non-empty string')));

const finite = () => v.pipe(v.number(must('a finite number')), v.finite(must('a finite number')));
const positiveInt = () => v.pipe(finite(), v.integer(must('a positive integer')), v.minValue(1, must('a positive integer')));
const nonNegInt = () => v.pipe(finite(), v.integer(must('an integer >= 0')), v.minValue(0, must('an integer >= 0')));
const bool = () => v.boolean(must('true or false'));
const oneOf = <T extends string>(allowed: readonly [T, ...T[]]) =>
  v.picklist(allowed, must(`one of ${allowed.map((a) => `"${a}"`).join(', ')}`));

const rgb = (positive: boolean) => {
  const want = positive ? 'an array of 3 numbers > 0 (R, G, B)' : 'an array of 3 numbers (R, G, B)';
  return v.pipe(
    v.custom<[number, number, number]>(
      (x) => Array.isArray(x) && x.length === 3 && x.every((n) => typeof n === 'number' && Number.isFinite(n) && (!positive || n > 0)),
      must(want),
    ),
    v.transform((x): [number, number, number] => [x[0], x[1], x[2]]),
  );
};

const tensor = <T extends string>(types: readonly [T, ...T[]]) => obj({ name: str(), type: oneOf(types) });

export const RESIZE_MODES = ['squash', 'shortest-crop'] as const;
export const INTERPOLATIONS = ['nearest', 'bilinear', 'bicubic', 'lanczos'] as const;
const ID_TYPES = ['int32', 'int64'] as const;
// The id becomes part of table names in the vector store, so keep it to a safe alphabet.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const ImageTowerSchema = obj({
  /** ONNX file, relative to the package. */
  file: str(),
  /** Optional dynamically quantised variant; used when the runtime is asked for int8. */
  int8File: v.optional(str()),
  input: tensor(['float32'] as const),
  output: str(),
  /** Square input side in pixels; the input tensor is [1, 3, size, size] (NCHW, RGB). */
  size: positiveInt(),
  /** 'squash': both sides to `size` ignoring aspect. 'shortest-crop': shortest side to `size`, centre crop. */
  resize: oneOf(RESIZE_MODES),
  interpolation: oneOf(INTERPOLATIONS),
  /** Applied after scaling pixels to 0..1: (x - mean) / std, per RGB channel. */
  mean: rgb(false),
  std: rgb(true),
  /** True when the graph's output is not unit length and the runtime must L2-normalise it. */
  normalize: bool(),
  /** Fixed batch size of the graph (1 for Immich exports); null for a dynamic batch axis. */
  batch: v.nullable(positiveInt()),
});

export const TextTowerSchema = v.pipe(
  obj({
    file: str(),
    int8File: v.optional(str()),
    /** tokenizer.json readable by @huggingface/tokenizers. */
    tokenizer: str(),
    contextLength: positiveInt(),
    padId: nonNegInt(),
    /** Token ids input. */
    ids: tensor(ID_TYPES),
    /** Attention-mask input, when the graph takes one (1 for tokens, 0 for padding). */
    mask: v.optional(tensor(ID_TYPES)),
    output: str(),
    normalize: bool(),
    /** Some exports (NLLB-CLIP) want a prefix such as a language code; empty for most. */
    prefix: v.optional(str({ allowEmpty: true })),
    /** Lower-case the query before tokenizing (SigLIP 2 was trained on lower-cased text). */
    lowercase: v.optional(bool()),
  }),
  v.forward(
    v.partialCheck(
      [['ids', 'name'], ['mask', 'name']],
      (t) => !t.mask || t.ids.name !== t.mask.name,
      (issue) => `must differ from text.ids.name (${got((issue.input as { ids: { name: string } }).ids.name)})`,
    ),
    ['mask', 'name'],
  ),
);

export const SearchSpecSchema = obj({
  /**
   * Calibrated relevance cut-off for a text→image cosine score: results below it are not
   * shown. Per model, because CLIP-family score ranges differ between models.
   */
  minScore: v.pipe(
    finite(),
    v.minValue(-1, (i) => `must be a cosine score between -1 and 1 (got ${got(i.input)})`),
    v.maxValue(1, (i) => `must be a cosine score between -1 and 1 (got ${got(i.input)})`),
  ),
});

export const ManifestSchema = v.pipe(
  v.custom<Record<string, unknown>>(
    (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
    (issue) => `must hold a JSON object (got ${got(issue.input)})`,
  ),
  v.object({
    /** Stable id, e.g. "xlm-roberta-base-vit-b-32". Used as the vector-table key. */
    id: v.pipe(
      str(),
      v.regex(ID_PATTERN, (i) => `must be 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit (got ${got(i.input)})`),
    ),
    name: str(),
    /** Test fixtures set this; the app never offers a fixture to users. */
    fixture: v.optional(bool()),
    /** BCP-47-ish language codes the text tower understands well, e.g. ["zh", "en"]. */
    languages: v.array(v.string(), must('an array of strings')),
    embeddingDim: positiveInt(),
    image: ImageTowerSchema,
    text: TextTowerSchema,
    search: SearchSpecSchema,
    /**
     * The package's own similar-shot threshold (image cosine), when it differs from the default
     * (duplicates/thresholds.ts): a test fixture whose vectors are near one-hot colours needs 0.99.
     */
    duplicates: v.optional(
      obj({
        minSimilarity: v.pipe(
          finite(),
          v.minValue(-1, (i) => `must be a cosine score between -1 and 1 (got ${got(i.input)})`),
          v.maxValue(1, (i) => `must be a cosine score between -1 and 1 (got ${got(i.input)})`),
        ),
      }),
    ),
    /** Where the package came from (registry id, revision), for the UI and for re-downloads. */
    source: v.optional(
      obj({ registryId: v.optional(str()), repo: v.optional(str()), revision: v.optional(str()) }),
    ),
  }, must('an object')),
);

/** "field: problem" for every issue; the whole file when the problem is at the top. */
export function problemsOf(issues: readonly v.BaseIssue<unknown>[], top = 'manifest.json'): string[] {
  return issues.map((i) => `${v.getDotPath(i) ?? top}: ${i.message}`);
}

export function validateManifest(raw: unknown): { manifest?: v.InferOutput<typeof ManifestSchema>; problems: string[] } {
  const r = v.safeParse(ManifestSchema, raw, { abortPipeEarly: true });
  return r.success ? { manifest: r.output, problems: [] } : { problems: problemsOf(r.issues) };
}

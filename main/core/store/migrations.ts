// Versioned schema migrations. Each entry runs once, inside a transaction, and
// bumps PRAGMA user_version, so an interrupted upgrade leaves the old version intact.
import type Database from 'better-sqlite3';

// The connection type is spelled out here (not imported from db.ts, which imports this file).
type Db = Database.Database;

/**
 * A photo's file name in SQL (the path after its last '/' or '\\'), as indexed by photos_by_name;
 * library/timeline.ts sorts by exactly this text so the index is used.
 */
export const NAME_SQL_RAW = "substr(path, length(rtrim(path, replace(replace(path, '/', ''), '\\', ''))) + 1)";

export const MIGRATIONS: ((db: Db) => void)[] = [
  // v1: folders, photos, job queue, per-model embeddings (vectors live in vec0 tables
  // created per model, see vectors.ts, because a vec0 column has a fixed dimension).
  (db) => {
    db.exec(`
      CREATE TABLE folders (
        id        INTEGER PRIMARY KEY,
        path      TEXT NOT NULL UNIQUE,
        added_at  TEXT NOT NULL
      );
      CREATE TABLE photos (
        id           INTEGER PRIMARY KEY,
        folder_id    INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path         TEXT NOT NULL UNIQUE,
        size         INTEGER NOT NULL,
        mtime_ms     INTEGER NOT NULL,
        sha256       TEXT,
        width        INTEGER,
        height       INTEGER,
        format       TEXT,
        taken_at     TEXT,
        camera_make  TEXT,
        camera_model TEXT,
        lat          REAL,
        lon          REAL,
        orientation  INTEGER,
        phash        TEXT,
        has_thumb    INTEGER NOT NULL DEFAULT 0,
        status       TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
        error        TEXT,
        indexed_at   INTEGER NOT NULL
      );
      CREATE INDEX photos_sha256 ON photos(sha256);
      CREATE INDEX photos_folder ON photos(folder_id, status);

      -- One row per (model, content): vectors are keyed by content hash, so a renamed,
      -- moved or copied photo reuses its vector instead of being embedded again.
      CREATE TABLE models (
        id    INTEGER PRIMARY KEY,
        key   TEXT NOT NULL UNIQUE,
        dim   INTEGER NOT NULL
      );
      CREATE TABLE embeddings (
        id           INTEGER PRIMARY KEY,
        model_id     INTEGER NOT NULL REFERENCES models(id),
        sha256       TEXT NOT NULL,
        -- set when the last photo with this content left; purged after a grace period
        -- so a move seen as delete-then-create keeps its vector.
        orphaned_at  INTEGER,
        UNIQUE (model_id, sha256)
      );

      -- The work queue. A job is deleted in the same transaction that stores its result,
      -- so after a kill a job is either done (and gone) or still here to be redone.
      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        path       TEXT NOT NULL,
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        attempts   INTEGER NOT NULL DEFAULT 0,
        -- bumped when the file changes again while its job is in flight, so finishing
        -- the stale run does not drop the newer work
        rev        INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (kind, path)
      );
    `);
  },

  // Multi-view search: text found in photos (OCR) and file/folder names, both as FTS5 indexes
  // (tokens made by main/core/search/text.ts: ICU words + single CJK characters). Triggers
  // written in plain SQL keep them in step with `photos`, inside the very transaction that
  // writes the photo row, so a kill can never leave a photo without its OCR job or name entry.
  (db) => {
    db.exec(`
      -- One row per content (sha256), like vectors: a renamed or copied photo keeps its text.
      -- A row with error set means OCR failed for this content; it is not retried until the
      -- content changes.
      CREATE TABLE ocr_texts (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,
        engine      TEXT NOT NULL,
        text        TEXT NOT NULL,
        -- JSON [{ "text", "score", "box": [[x,y] x4] }] in upright-image pixels
        lines       TEXT NOT NULL,
        error       TEXT,
        created_at  INTEGER NOT NULL
      );
      -- rowid = ocr_texts.id
      CREATE VIRTUAL TABLE ocr_fts USING fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2');

      -- rowid = photos.id; words of the file name, the folders below the library root and the camera.
      CREATE VIRTUAL TABLE name_fts USING fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2');
      -- Photos whose name entry must be (re)built; the tokens come from JavaScript
      -- (Intl.Segmenter), which a trigger cannot call, so triggers only mark rows here.
      CREATE TABLE name_dirty (photo_id INTEGER PRIMARY KEY);

      -- WHEN NOT EXISTS, not INSERT OR IGNORE: inside an UPSERT the outer statement's conflict
      -- rule wins over the trigger's, so OR IGNORE would still fail on an already-dirty photo.
      CREATE TRIGGER photos_names_ai AFTER INSERT ON photos
        WHEN NOT EXISTS (SELECT 1 FROM name_dirty WHERE photo_id = NEW.id) BEGIN
        INSERT INTO name_dirty (photo_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER photos_names_au AFTER UPDATE OF path, folder_id, camera_make, camera_model ON photos
        WHEN NOT EXISTS (SELECT 1 FROM name_dirty WHERE photo_id = NEW.id) BEGIN
        INSERT INTO name_dirty (photo_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER photos_names_ad AFTER DELETE ON photos BEGIN
        DELETE FROM name_fts WHERE rowid = OLD.id;
        DELETE FROM name_dirty WHERE photo_id = OLD.id;
      END;

      -- An indexed photo whose content has no OCR row yet gets an 'ocr' job. A job already
      -- queued for the path gets its rev bumped, so a run of the old content does not delete it.
      CREATE TRIGGER photos_ocr_ai AFTER INSERT ON photos
        WHEN NEW.status = 'indexed' AND NEW.sha256 IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ocr_texts WHERE sha256 = NEW.sha256)
      BEGIN
        INSERT INTO jobs (kind, path, folder_id, created_at)
        VALUES ('ocr', NEW.path, NEW.folder_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
        ON CONFLICT (kind, path) DO UPDATE SET rev = rev + 1, attempts = 0;
      END;
      CREATE TRIGGER photos_ocr_au AFTER UPDATE OF sha256, status ON photos
        WHEN NEW.status = 'indexed' AND NEW.sha256 IS NOT NULL
         AND (OLD.sha256 IS NOT NEW.sha256 OR OLD.status IS NOT NEW.status)
         AND NOT EXISTS (SELECT 1 FROM ocr_texts WHERE sha256 = NEW.sha256)
      BEGIN
        INSERT INTO jobs (kind, path, folder_id, created_at)
        VALUES ('ocr', NEW.path, NEW.folder_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
        ON CONFLICT (kind, path) DO UPDATE SET rev = rev + 1, attempts = 0;
      END;

      -- A library indexed before this version: read the text in its photos, index its names.
      INSERT OR IGNORE INTO jobs (kind, path, folder_id, created_at)
        SELECT 'ocr', path, folder_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
          FROM photos WHERE status = 'indexed' AND sha256 IS NOT NULL;
      INSERT INTO name_dirty (photo_id) SELECT id FROM photos;
    `);
  },

  // Duplicates and tags (main/core/duplicates, main/core/tags). Everything is keyed by content
  // hash, like vectors: a renamed, moved or copied photo keeps its tags, and a "not duplicates"
  // answer survives renames.
  (db) => {
    db.exec(`
      -- "These are not duplicates": one row per pair of contents (sha_a <= sha_b; sha_a = sha_b
      -- for identical copies kept on purpose). Never re-suggested, whatever the kind.
      CREATE TABLE duplicate_dismissals (
        sha_a         TEXT NOT NULL,
        sha_b         TEXT NOT NULL,
        dismissed_at  INTEGER NOT NULL,
        PRIMARY KEY (sha_a, sha_b)
      ) WITHOUT ROWID;

      -- Image-vector neighbours above the model's floor, found once per content by KNN when it
      -- is indexed, so grouping similar shots never runs a KNN per photo on demand.
      CREATE TABLE similar_pairs (
        model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        sha_a     TEXT NOT NULL,
        sha_b     TEXT NOT NULL,
        score     REAL NOT NULL,
        PRIMARY KEY (model_id, sha_a, sha_b)
      ) WITHOUT ROWID;
      CREATE TABLE similar_scanned (
        model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        sha256    TEXT NOT NULL,
        floor     REAL NOT NULL,
        PRIMARY KEY (model_id, sha256)
      ) WITHOUT ROWID;

      -- The tag vocabulary: built-in (shipped JSON), custom (added by the user) and file (loaded
      -- for one CLI run with --vocabulary). prompts is JSON {"en": [...], "zh": [...]}.
      CREATE TABLE tags (
        id          INTEGER PRIMARY KEY,
        key         TEXT NOT NULL UNIQUE,
        en          TEXT NOT NULL,
        zh          TEXT NOT NULL,
        category    TEXT,
        source      TEXT NOT NULL CHECK (source IN ('builtin', 'custom', 'file')),
        prompts     TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE INDEX tags_en ON tags(en COLLATE NOCASE);
      CREATE INDEX tags_zh ON tags(zh);

      -- Text embedding of each tag's prompts, per model; prompt_sig says which prompts made it.
      -- vector is NULL when the model's tokenizer knows none of the words (the tag is unusable).
      CREATE TABLE tag_vectors (
        model_id    INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        tag_id      INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        prompt_sig  TEXT NOT NULL,
        vector      BLOB,
        PRIMARY KEY (model_id, tag_id)
      ) WITHOUT ROWID;

      -- The tags each content got (with its calibrated probability), per model.
      CREATE TABLE photo_tags (
        model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        sha256    TEXT NOT NULL,
        tag_id    INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        score     REAL NOT NULL,
        PRIMARY KEY (model_id, sha256, tag_id)
      ) WITHOUT ROWID;
      CREATE INDEX photo_tags_tag ON photo_tags(tag_id, model_id);
      -- Which vocabulary (signature) a content was last tagged with; a changed vocabulary
      -- (a custom tag added, a new release) re-tags it.
      CREATE TABLE tagged_contents (
        model_id   INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        sha256     TEXT NOT NULL,
        vocab_sig  TEXT NOT NULL,
        PRIMARY KEY (model_id, sha256)
      ) WITHOUT ROWID;
    `);
  },
  // v4: small facts about the library itself, e.g. the signature of the vocabulary last written
  // into `tags` (so opening a library does not rewrite 471 rows each time).
  (db) => {
    db.exec(`
      CREATE TABLE library_meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // v5: duplicate groups are cached by the core (main/core/duplicates/cache.ts) and must be rebuilt
  // whenever what they are made of changes, whoever changed it (the app, a CLI run, the
  // watcher): every such write bumps a counter, in the writer's own transaction.
  (db) => {
    db.exec(`
      CREATE TABLE change_epochs (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO change_epochs (name, n) VALUES ('duplicates', 0);
      CREATE TRIGGER dup_epoch_photo_insert AFTER INSERT ON photos
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_photo_delete AFTER DELETE ON photos
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_photo_update
        AFTER UPDATE OF folder_id, path, size, mtime_ms, sha256, width, height, format, taken_at,
                        camera_make, camera_model, phash, has_thumb, status ON photos
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_dismiss_insert AFTER INSERT ON duplicate_dismissals
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_dismiss_delete AFTER DELETE ON duplicate_dismissals
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_similar_insert AFTER INSERT ON similar_pairs
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_similar_delete AFTER DELETE ON similar_pairs
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      `);
    },
  // v6: a failed photo's reason as a message code (the UI's language, not the indexer's English),
  // and exposure details from EXIF. Rows indexed before get them when their file next changes.
  (db) => {
    db.exec(`
      ALTER TABLE photos ADD COLUMN error_code TEXT;
      ALTER TABLE photos ADD COLUMN error_params TEXT;
      ALTER TABLE photos ADD COLUMN lens TEXT;
      ALTER TABLE photos ADD COLUMN f_number REAL;
      ALTER TABLE photos ADD COLUMN exposure_time REAL;
      ALTER TABLE photos ADD COLUMN iso INTEGER;
      ALTER TABLE photos ADD COLUMN focal_length REAL;
    `);
  },
  // v6: near-copy hashes that survive crops, borders and quarter turns (main/core/media/near-hash.ts),
  // per content. Rows from before this version get them from the backfill
  // (main/core/duplicates/backfill.ts) or when re-indexed; until then they use the old pHash.
  (db) => {
    db.exec(`
      CREATE TABLE near_hashes (
        sha256   TEXT PRIMARY KEY,
        full     TEXT NOT NULL,
        windows  BLOB NOT NULL,
        luma     REAL,
        version  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER dup_epoch_near_insert AFTER INSERT ON near_hashes
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
      CREATE TRIGGER dup_epoch_near_update AFTER UPDATE ON near_hashes
        BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'duplicates'; END;
    `);
  },
  // timeline (main/core/library/timeline.ts): each photo's date as one indexed column, so the
  // per-month histogram is one GROUP BY over an index and a month's page is an index seek. The
  // date is the one filters.ts compares (capture time, else the file's modified time in local
  // time); 'localtime' may not appear in an expression index, hence a column kept by triggers.
  // Also indexes for the sorts by name and the camera and lens lists (library/facets.ts).
  // Idempotent (the lead reorders migrations at merge).
  (db) => {
    const cols = (db.prepare('PRAGMA table_info(photos)').all() as { name: string }[]).map((c) => c.name);
    if (!cols.includes('date_key')) db.exec('ALTER TABLE photos ADD COLUMN date_key TEXT');
    const dateOf = (r: string) =>
      `COALESCE(${r}.taken_at, strftime('%Y-%m-%dT%H:%M:%S', ${r}.mtime_ms / 1000.0, 'unixepoch', 'localtime'))`;
    db.exec(`
      CREATE TRIGGER IF NOT EXISTS photos_date_ai AFTER INSERT ON photos
        BEGIN UPDATE photos SET date_key = ${dateOf('NEW')} WHERE id = NEW.id; END;
      CREATE TRIGGER IF NOT EXISTS photos_date_au AFTER UPDATE OF taken_at, mtime_ms ON photos
        BEGIN UPDATE photos SET date_key = ${dateOf('NEW')} WHERE id = NEW.id; END;
      UPDATE photos SET date_key = ${dateOf('photos')} WHERE date_key IS NULL;
      CREATE INDEX IF NOT EXISTS photos_timeline ON photos(status, date_key);
      CREATE INDEX IF NOT EXISTS photos_by_name ON photos(status, ${NAME_SQL_RAW} COLLATE NOCASE);
      CREATE INDEX IF NOT EXISTS photos_camera ON photos(status, camera_make, camera_model);
      CREATE INDEX IF NOT EXISTS photos_lens ON photos(status, lens);
    `);
  },
  // Albums and favourites (main/core/albums), keyed by content hash like vectors and photo_tags:
  // a renamed or moved photo stays in its albums; a photo whose last file went comes back in them
  // if the file does. Idempotent (IF NOT EXISTS), since other branches append migrations too.
  (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS albums (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS album_photos (
        album_id  INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        sha256    TEXT NOT NULL,
        added_at  TEXT NOT NULL,
        PRIMARY KEY (album_id, sha256)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS album_photos_sha ON album_photos(sha256);
      CREATE TABLE IF NOT EXISTS favourites (
        sha256    TEXT PRIMARY KEY,
        added_at  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // Places (main/core/places): where each photo with GPS was taken, from the offline geocoder.
  // Like names, the lookup needs JavaScript, so triggers only mark photos in place_dirty and the
  // pipeline fills photo_places + place_fts right after indexing. Marking every photo that has
  // a position here is the backfill of libraries indexed before places existed. Idempotent
  // (IF NOT EXISTS, OR IGNORE): other branches append migrations too and may be reordered.
  (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS photo_places (
        photo_id  INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        city_id   INTEGER NOT NULL,
        near_id   INTEGER,
        country   TEXT NOT NULL,
        admin1    TEXT NOT NULL,
        lat       REAL NOT NULL,
        lon       REAL NOT NULL
      );
      CREATE INDEX IF NOT EXISTS photo_places_country ON photo_places(country, city_id);
      CREATE INDEX IF NOT EXISTS photo_places_city ON photo_places(city_id);
      -- rowid = photos.id; names of the photo's city, the big city near it, region and country, en + zh.
      CREATE VIRTUAL TABLE IF NOT EXISTS place_fts USING fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TABLE IF NOT EXISTS place_dirty (photo_id INTEGER PRIMARY KEY);
      CREATE TRIGGER IF NOT EXISTS photos_places_ai AFTER INSERT ON photos
        WHEN NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM place_dirty WHERE photo_id = NEW.id) BEGIN
        INSERT INTO place_dirty (photo_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER IF NOT EXISTS photos_places_au AFTER UPDATE OF lat, lon ON photos
        WHEN (OLD.lat IS NOT NEW.lat OR OLD.lon IS NOT NEW.lon)
         AND NOT EXISTS (SELECT 1 FROM place_dirty WHERE photo_id = NEW.id) BEGIN
        INSERT INTO place_dirty (photo_id) VALUES (NEW.id);
      END;
      CREATE TRIGGER IF NOT EXISTS photos_places_ad AFTER DELETE ON photos BEGIN
        DELETE FROM place_fts WHERE rowid = OLD.id;
        DELETE FROM place_dirty WHERE photo_id = OLD.id;
        DELETE FROM photo_places WHERE photo_id = OLD.id;
      END;
      INSERT OR IGNORE INTO place_dirty (photo_id)
        SELECT p.id FROM photos p
         WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM photo_places pp WHERE pp.photo_id = p.id);
    `);
  },
  // near-copy verification (main/core/duplicates/verify.ts): a small greyscale grid of each
  // content's trimmed picture beside its hashes, so candidate pairs can be aligned and checked.
  // Rows without it keep pairing by hashes alone until the backfill fills it. Idempotent.
  (db) => {
    const cols = db.prepare(`PRAGMA table_info(near_hashes)`).all() as { name: string }[];
    if (!cols.some((c) => c.name === 'detail')) db.exec(`ALTER TABLE near_hashes ADD COLUMN detail BLOB`);
  },
  // Orphaned vectors (a content whose last photo left, kept for a grace period) are few, but
  // finding them read the whole embeddings table: the image index does at every start (~1 s
  // of a cold start at a million photos), the purge at every run. A partial index holds just
  // those rows. Idempotent.
  (db) => {
    db.exec('CREATE INDEX IF NOT EXISTS embeddings_orphaned ON embeddings(model_id, orphaned_at) WHERE orphaned_at IS NOT NULL');
  },
  // Near-copy pairs kept between reviews (main/core/duplicates/near-pairs.ts): at a million
  // photos, finding them all takes minutes, so each content is paired once, against every
  // content hashed before it, and the review reads the pairs. `near_paired` lists the contents
  // done; a content whose hashes change (re-hashed, a new recipe) loses its pairs and its mark,
  // by trigger, so a writer that knows nothing of pairs (the indexer, the backfill) keeps them
  // true. No epoch bump here: pairs are derived from near_hashes, which already bumps it.
  // Idempotent.
  (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS near_pairs (
        sha_a     TEXT NOT NULL,
        sha_b     TEXT NOT NULL,
        distance  INTEGER NOT NULL,
        turns     INTEGER NOT NULL,
        cropped   INTEGER NOT NULL,
        window_in TEXT,
        window    INTEGER,
        PRIMARY KEY (sha_a, sha_b)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS near_pairs_b ON near_pairs(sha_b);
      CREATE TABLE IF NOT EXISTS near_paired (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TRIGGER IF NOT EXISTS near_pairs_hash_update AFTER UPDATE ON near_hashes
        WHEN OLD.full IS NOT NEW.full OR OLD.windows IS NOT NEW.windows OR OLD.version IS NOT NEW.version
        BEGIN
          DELETE FROM near_pairs WHERE sha_a = OLD.sha256 OR sha_b = OLD.sha256;
          DELETE FROM near_paired WHERE sha256 = OLD.sha256;
        END;
      CREATE TRIGGER IF NOT EXISTS near_pairs_hash_delete AFTER DELETE ON near_hashes
        BEGIN
          DELETE FROM near_pairs WHERE sha_a = OLD.sha256 OR sha_b = OLD.sha256;
          DELETE FROM near_paired WHERE sha256 = OLD.sha256;
        END;
    `);
  },
  // Every review lists the contents with current near hashes, and pairing reads their full
  // hashes: from the table that meant reading every crop-window blob and grid too (a scan of
  // ~1 GB at a million photos, ~18 s of a first review's step). A covering index is ~90 MB.
  (db) => {
    db.exec('CREATE INDEX IF NOT EXISTS near_hashes_current ON near_hashes (version, sha256, full)');
  },
  // The search facets of a big library are kept in a file for the next start (knn/facets-file.ts),
  // valid while this counter stands where it was when the file was written: every write to a
  // column the facets read bumps it, by any process, in the writer's own transaction.
  (db) => {
    const bump = "BEGIN UPDATE change_epochs SET n = n + 1 WHERE name = 'facets'; END";
    db.exec(`
      INSERT OR IGNORE INTO change_epochs (name, n) VALUES ('facets', 0);
      CREATE TRIGGER IF NOT EXISTS facets_epoch_photo_insert AFTER INSERT ON photos ${bump};
      CREATE TRIGGER IF NOT EXISTS facets_epoch_photo_delete AFTER DELETE ON photos ${bump};
      CREATE TRIGGER IF NOT EXISTS facets_epoch_photo_update
        AFTER UPDATE OF id, path, status, sha256, taken_at, mtime_ms, camera_make, camera_model, lat, lon, format, lens ON photos ${bump};
      CREATE TRIGGER IF NOT EXISTS facets_epoch_embedding_insert AFTER INSERT ON embeddings ${bump};
      CREATE TRIGGER IF NOT EXISTS facets_epoch_embedding_delete AFTER DELETE ON embeddings ${bump};
      CREATE TRIGGER IF NOT EXISTS facets_epoch_embedding_update AFTER UPDATE OF id, model_id, sha256 ON embeddings ${bump};
    `);
  },
  // The verification grids (2.3 KB a content) go to a table of their own: a review after new
  // photos scans every crop window in near_hashes, and with the grids beside them that scan
  // read 2.2× the pages (100k contents: 174 → 389 ms warm; seconds at a million). A grid is
  // read by key, for one pair at a time. Grids stored inline before are moved in the
  // background, a few hundred at a time (moveInlineGrids, store/near-hashes.ts): moving them
  // here took 7.5 s at 100k, a minute or more at a million, before the library could open.
  // Until moved they are read where they are; the column stays, NULL in every row written since.
  // The partial index finds the rows still to move without a scan. Idempotent.
  (db) => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS near_details (sha256 TEXT PRIMARY KEY, detail BLOB NOT NULL);
      CREATE TRIGGER IF NOT EXISTS near_details_hash_delete AFTER DELETE ON near_hashes
        BEGIN DELETE FROM near_details WHERE sha256 = OLD.sha256; END;
      CREATE INDEX IF NOT EXISTS near_hashes_inline_grid ON near_hashes (sha256) WHERE detail IS NOT NULL;
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `This library was written by a newer Kanjian (schema v${current}; this build knows v${MIGRATIONS.length}). Update Kanjian to open it.`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      MIGRATIONS[v](db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

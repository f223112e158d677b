// `kanjian duplicates [--kind exact|near|similar] [--json] [--trash [--yes]]`
//
// Lists duplicate groups with the photo to keep and why. --trash moves every photo that is not
// the keeper to the OS trash — only with --yes (without it, it prints what would go), and by
// default only for exact and near groups: similar shots are different photos, so trashing them
// needs an explicit --kind similar.
import { existsSync } from 'node:fs';
import type { DuplicateKind, DuplicatesResponse } from '../../core/api.js';
import { DUPLICATE_KINDS } from '../../core/api.js';
import type { Kanjian } from '../../core/kanjian.js';
import { formatBytes } from '../../shell-common/format.js';
import { reasonText } from './duplicate-reasons.js';

export interface DuplicatesCommandOptions {
  kind?: string;
  json: boolean;
  trash: boolean;
  yes: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function duplicatesCommand(k: Kanjian, opts: DuplicatesCommandOptions): Promise<number> {
  if (opts.kind !== undefined && !(DUPLICATE_KINDS as readonly string[]).includes(opts.kind)) {
    opts.err(`--kind must be one of: ${DUPLICATE_KINDS.join(', ')}`);
    return 1;
  }
  const kind = opts.kind as DuplicateKind | undefined;
  // A one-shot run waits for the similar-shot scan to finish, however long the library.
  if (!kind || kind === 'similar') await k.duplicates.scan();
  // ... and for a library's first near-copy pairing, which the app shows step by step.
  if (kind !== 'exact') {
    await k.duplicates.finishPairing((done, total) => {
      if (!opts.json) opts.err(`Comparing photos for near copies: ${done} of ${total} done…`);
    });
  }
  const res = await k.findDuplicates({ kind, limit: Number.MAX_SAFE_INTEGER });
  if (opts.trash) return trash(k, res, kind, opts);
  if (opts.json) {
    opts.out(JSON.stringify(toJson(res)));
    return 0;
  }
  if (res.message) opts.err(res.message);
  if (!res.groups.length) {
    opts.out('No duplicates found.');
    return 0;
  }
  let reclaimable = 0;
  for (const g of res.groups) {
    reclaimable += g.reclaimableBytes;
    opts.out(`${g.kind} · ${g.photos.length} photos · ${formatBytes(g.reclaimableBytes)} reclaimable`);
    for (const p of g.photos) {
      const extra = p.distance !== undefined ? ` [${p.distance} bits]` : p.similarity !== undefined ? ` [cos ${p.similarity.toFixed(3)}]` : '';
      opts.out(`  ${p.keep ? 'keep' : '    '}  ${p.path}${extra}  — ${reasonText(p.reason, p.keep, g.kind === 'similar')}`);
    }
  }
  opts.out(`${res.groups.length} groups; ${formatBytes(reclaimable)} can be freed by keeping one photo of each.`);
  return 0;
}

function toJson(res: DuplicatesResponse) {
  return {
    groups: res.groups.map((g) => ({
      kind: g.kind,
      reclaimableBytes: g.reclaimableBytes,
      photos: g.photos.map((p) => ({
        path: p.path,
        keep: p.keep,
        reason: reasonText(p.reason, p.keep, g.kind === 'similar'),
        rule: p.reason.rule,
        params: p.reason.params,
        differences: p.differences,
        size: p.size,
        ...(p.distance !== undefined && { distance: p.distance }),
        ...(p.similarity !== undefined && { similarity: p.similarity }),
      })),
    })),
    ...(res.message && { message: res.message }),
  };
}

async function trash(k: Kanjian, res: DuplicatesResponse, kind: DuplicateKind | undefined, opts: DuplicatesCommandOptions): Promise<number> {
  // A group whose keeper is not on disk any more (a stale library) would lose every copy: skip it.
  const groups = res.groups
    .filter((g) => (kind ? g.kind === kind : g.kind !== 'similar'))
    .filter((g) => g.photos.some((p) => p.keep && existsSync(p.path)));
  // A photo can sit in two groups (an exact copy that stands for its content in a near group):
  // the keeper of either stays, so no group is left without its keeper.
  const keepers = new Set(res.groups.flatMap((g) => g.photos.filter((p) => p.keep).map((p) => p.id)));
  const ids = [...new Set(groups.flatMap((g) => g.photos.filter((p) => !p.keep && !keepers.has(p.id)).map((p) => p.id)))];
  if (!ids.length) {
    if (opts.json) opts.out(JSON.stringify({ trashed: [], failed: [], bytesFreed: 0 }));
    else opts.out('Nothing to move to the trash.');
    return 0;
  }
  const plan = await k.planTrash({ photoIds: ids });
  if (!opts.yes) {
    if (opts.json) opts.out(JSON.stringify({ plan: { count: plan.count, bytes: plan.bytes, paths: plan.photos.map((p) => p.path) } }));
    else {
      for (const p of plan.photos) opts.out(`  would trash  ${p.path}`);
      opts.out(`Would move ${files(plan.count)} (${formatBytes(plan.bytes)}) to the trash, keeping one photo of each group.`);
    }
    opts.err('Nothing was moved. Add --yes to move them to the trash.');
    return 0;
  }
  const outcome = await k.trashPhotos({ photoIds: plan.photos.map((p) => p.id), confirmToken: plan.confirmToken });
  if (opts.json) opts.out(JSON.stringify(outcome));
  else {
    for (const t of outcome.trashed) opts.out(`  trashed  ${t.path}`);
    for (const f of outcome.failed) opts.out(`  FAILED   ${f.path}: ${f.error}`);
    opts.out(`Moved ${files(outcome.trashed.length)} (${formatBytes(outcome.bytesFreed)}) to the trash.`);
  }
  return outcome.failed.length ? 2 : 0;
}

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;


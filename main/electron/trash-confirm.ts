// Moving photos to the OS trash from the app window. The page may plan and ask in its own
// dialog, but a page is not a trust boundary: main.ts routes the API method `trashPhotos` here
// instead of straight to the core, and files move only after the user confirms a native,
// window-modal dialog that the main process shows. No Electron import: the decision is tested
// with fakes.
//
// The core has no "look up a plan by its token", so the dialog is built from a fresh planTrash
// of the same ids (what is on disk now). On "yes" the page's own request (its ids and token) is
// forwarded unchanged, so the core still checks that the ids are exactly the ones it planned and
// that the token is valid and unused. The fresh plan's token is never used; it expires in the core.
import type { TrashOutcome, TrashPlan, TrashRequest } from '../core/api.js';
import { KanjianError } from '../core/errors.js';
import { formatBytes } from '../shell-common/format.js';

export interface ConfirmText {
  message: string;
  detail: string;
  confirmLabel: string;
  cancelLabel: string;
}

export interface TrashConfirmDeps {
  /** The core's planTrash. Touches nothing. */
  planTrash(req: TrashRequest): Promise<TrashPlan>;
  /** The core's trashPhotos; called only after the user said yes. */
  trashPhotos(req: TrashRequest & { confirmToken: string }): Promise<TrashOutcome>;
  /** Shows the native dialog; resolves true when the user confirms. */
  confirm(text: ConfirmText): Promise<boolean>;
  /** The UI language: the app's language setting, else the OS locale (app.getLocale()); Chinese for zh*. */
  locale: string;
}

/** The user said no in the native dialog; nothing was moved. Code `trash.cancelled` for the page. */
export class TrashCancelledError extends KanjianError {
  constructor(zh: boolean) {
    super('trash.cancelled', zh ? '已取消：没有移动任何文件。' : 'Cancelled: nothing was moved to the trash.');
    this.name = 'CancelledError';
  }
}

/** The dialog's language: the language chosen in the app's settings wins over the OS's. */
export function dialogLocale(settingsLanguage: 'zh' | 'en' | null | undefined, osLocale: string): string {
  return settingsLanguage ?? osLocale;
}

export const isZh = (locale: string) => /^zh\b/i.test(locale);

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The native dialog's words for a plan: count and bytes, a few file names, in the OS language. */
export function trashConfirmText(plan: Pick<TrashPlan, 'count' | 'bytes' | 'photos' | 'missing'> & Partial<Pick<TrashPlan, 'lastCopies'>>, locale: string): ConfirmText {
  const zh = isZh(locale);
  const n = plan.count;
  const size = formatBytes(plan.bytes);
  const shown = plan.photos.slice(0, 5).map((p) => basename(p.path));
  const more = plan.photos.length - shown.length;
  const list = shown.join('\n') + (more > 0 ? (zh ? `\n……以及另外 ${more} 个` : `\n…and ${more} more`) : '');
  const gone = plan.missing.length;
  // Only planned with allowLastCopy (the page asked twice): say it once more, natively.
  const last = new Set((plan.lastCopies ?? []).flatMap((l) => l.photoIds)).size;
  if (zh) {
    return {
      message: `将 ${n} 个文件（${size}）移到废纸篓？`,
      detail:
        `${list}\n\n文件会移到系统的废纸篓（回收站），可以从那里恢复。看见不会直接删除文件。` +
        (gone ? `\n另有 ${gone} 张照片的文件已不在磁盘上，不在此列。` : '') +
        (last ? `\n其中 ${last} 张是该照片最后的副本：移走后磁盘上不再有这张照片。` : ''),
      confirmLabel: `移到废纸篓（${n}）`,
      cancelLabel: '取消',
    };
  }
  const files = n === 1 ? 'file' : 'files';
  return {
    message: `Move ${n} ${files} (${size}) to the trash?`,
    detail:
      `${list}\n\nThe ${n === 1 ? 'file goes' : 'files go'} to the system trash, where you can restore ${n === 1 ? 'it' : 'them'}. Kanjian never deletes files.` +
      (gone ? `\n${gone} more ${gone === 1 ? "photo's file is" : "photos' files are"} no longer on disk and ${gone === 1 ? 'is' : 'are'} left out.` : '') +
      (last ? `\n${last} of them ${last === 1 ? 'is the last copy' : 'are the last copies'} of a picture: none will be left on disk.` : ''),
    confirmLabel: `Move ${n} to Trash`,
    cancelLabel: 'Cancel',
  };
}

/**
 * The main process's `trashPhotos`: plans the same ids, asks natively, and forwards the
 * (already validated) request to the core only on "yes". Rejects with TrashCancelledError on
 * "no", and without asking when none of the files is on disk any more.
 */
export async function confirmedTrashPhotos(
  deps: TrashConfirmDeps,
  req: TrashRequest & { confirmToken: string },
): Promise<TrashOutcome> {
  const plan = await deps.planTrash({ photoIds: req.photoIds, ...(req.allowLastCopy && { allowLastCopy: true }) });
  const zh = isZh(deps.locale);
  if (plan.count === 0) {
    throw new KanjianError(
      'trash.nothingOnDisk',
      zh ? '这些照片的文件已不在磁盘上：没有可移动的文件。' : 'None of these photos\' files are on disk any more: nothing to move.',
    );
  }
  if (!(await deps.confirm(trashConfirmText(plan, deps.locale)))) throw new TrashCancelledError(zh);
  return deps.trashPhotos({ photoIds: req.photoIds, confirmToken: req.confirmToken, ...(req.allowLastCopy && { allowLastCopy: true }) });
}

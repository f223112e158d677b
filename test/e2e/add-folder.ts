// Adds a library folder the way a browser user does: "Add folder…", the folder browser, the path
// typed into its field, "Add this folder".
import type { Page } from 'playwright-core';

export async function addFolderInBrowser(page: Page, folder: string): Promise<void> {
  await page.getByTestId('folder-add').click();
  const dialog = page.getByTestId('folder-browser');
  await dialog.getByTestId('picker-place').first().waitFor();
  await dialog.getByTestId('picker-path').fill(folder);
  await dialog.getByTestId('picker-go').click();
  await page.locator(`[data-testid="folder-browser"][data-path="${folder}"]`).waitFor();
  await dialog.getByTestId('picker-action').click();
  await dialog.waitFor({ state: 'detached' });
}

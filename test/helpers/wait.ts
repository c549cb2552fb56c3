/** Polls until a condition holds; fails with the label after the limit. Not a timing assertion. */
export async function waitFor(check: () => boolean | Promise<boolean>, label = 'condition', ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${label} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { lazy, Suspense, useEffect, useState, type ComponentProps } from 'react';
import { useGuardrails } from '../features/tools/useGuardrails.js';

/**
 * Dialogs every page may need but no page shows on opening: their code (Radix's dialog stack
 * included) stays out of the scripts the window compiles before its first paint, and is fetched
 * as soon as the window is idle, so the first approval still opens at once.
 */
const loadApprovalDialog = () => import('../features/tools/components/ApprovalDialog.js');
const loadConfirmDialog = () => import('../components/ConfirmDialog.js');

const ApprovalDialog = lazy(() => loadApprovalDialog().then((m) => ({ default: m.ApprovalDialog })));
const ConfirmDialogLazy = lazy(() => loadConfirmDialog().then((m) => ({ default: m.ConfirmDialog })));

/** Fetch the deferred dialogs once the first paint is done and the window has nothing else to do. */
export function usePreloadDeferred(): void {
  useEffect(() => {
    const load = () => void Promise.all([loadApprovalDialog(), loadConfirmDialog()]).catch(() => undefined);
    if (typeof window.requestIdleCallback === 'function') {
      const id = window.requestIdleCallback(load, { timeout: 2000 });
      return () => window.cancelIdleCallback(id);
    }
    const id = window.setTimeout(load, 200);
    return () => window.clearTimeout(id);
  }, []);
}

/** The approval dialog, mounted from the first pending approval on (and kept, for its notices). */
export function Approvals() {
  const pending = useGuardrails().data?.pending.length ?? 0;
  const [needed, setNeeded] = useState(false);
  if (pending > 0 && !needed) setNeeded(true);
  if (!needed) return null;
  return (
    <Suspense fallback={null}>
      <ApprovalDialog />
    </Suspense>
  );
}

/** ConfirmDialog, loaded when first opened. Render it only while it is open. */
export function DeferredConfirmDialog(props: ComponentProps<typeof ConfirmDialogLazy>) {
  return (
    <Suspense fallback={null}>
      <ConfirmDialogLazy {...props} />
    </Suspense>
  );
}

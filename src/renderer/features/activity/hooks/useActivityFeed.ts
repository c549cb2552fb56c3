import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ActivityFilter, ActivityOrder, ToolCall } from '../../../../shared/activity.js';
import { api, onHostEvent } from '../../../api.js';
import { isNewestFirst, matches } from '../filter.js';

interface Shown {
  byId: ReadonlyMap<string, ToolCall>;
  /** New calls shown, newest first (ids). */
  fresh: readonly string[];
}
const EMPTY: Shown = { byId: new Map(), fresh: [] };
const NONE: ReadonlyMap<string, ToolCall> = new Map();

/** Calls (in arrival order) into what the grid shows: new ones at the top, known ones updated in place. */
function applyShown(prev: Shown, calls: readonly ToolCall[], history: ReadonlyMap<string, number>): Shown {
  const byId = new Map(prev.byId);
  const added: string[] = [];
  for (const call of calls) {
    if (!byId.has(call.id) && !history.has(call.id)) added.push(call.id);
    byId.set(call.id, call);
  }
  return { byId, fresh: added.length > 0 ? [...added.reverse(), ...prev.fresh] : prev.fresh };
}

function anyRunning(calls: Iterable<ToolCall>): boolean {
  for (const c of calls) if (c.status === 'running') return true;
  return false;
}

/** The first page fills the screen fast; later ones are bigger, so a long history loads in few requests. */
const FIRST_PAGE = 200;
const PAGE = 1_000;

/** The rows without copying them: a page of 100,000 calls is indexed, not rebuilt, per live event. */
export interface RowSource {
  count: number;
  at(index: number): ToolCall;
  /** Some call on the list is still running (its row shows a ticking duration). */
  running: boolean;
  find(id: string): ToolCall | undefined;
  /** Where a call is on the list; -1 when it is not there. */
  indexOf(id: string): number;
}

/**
 * The calls the page shows: pages from the history (in the page's order, loaded as the list
 * scrolls) with live events laid over them. While paused, scrolled away from the top (`away`:
 * the rows a person reads must not run down the screen as calls arrive above them), or sorted by
 * anything but newest first (a new call's place is then somewhere in the middle), new calls wait
 * in `pending` ("N new") and the rows on screen stay where they are; calls already shown still
 * update in place (running -> finished). Back at the top, calls held only for that join the list.
 * Events are applied once per animation frame, so a burst of calls costs one render.
 */
export function useActivityFeed(filter: ActivityFilter, filterKey: string, paused: boolean, order: ActivityOrder, away = false) {
  const sorted = !isNewestFirst(order);
  const orderKey = `${order.by}:${order.dir}`;
  const pages = useInfiniteQuery({
    queryKey: ['activity', filterKey, orderKey],
    queryFn: ({ pageParam }) => api.queryActivity(filter, pageParam, pageParam === null ? FIRST_PAGE : PAGE, order),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    // Calls made while the page was closed reached no one: load afresh each time it opens.
    staleTime: 0,
    refetchOnMount: 'always',
    // Another sort or filter keeps the rows on screen until its first page arrives: the grid (and
    // the keyboard's focus in it) stays put instead of giving way to a spinner.
    placeholderData: keepPreviousData,
  });
  // Calls seen live since this list loaded and shown: the newest record of each (history rows
  // that changed too), and the new ones in the order they arrived. Held calls are apart, so a
  // call that waits changes the count of those waiting and nothing the grid draws.
  const [shown, setShown] = useState<Shown>(EMPTY);
  const [held, setHeld] = useState<ReadonlyMap<string, ToolCall>>(NONE);
  const heldRef = useRef(held);
  heldRef.current = held;
  const queue = useRef<ToolCall[]>([]);
  const frame = useRef<number | null>(null);
  const holdRef = useRef(paused || sorted || away);
  holdRef.current = paused || sorted || away;

  // The history's rows, flattened once per loaded page (not per live event: 100,000 rows).
  const base = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.calls), [pages.data]);
  const baseIndex = useMemo(() => new Map(base.map((c, i) => [c.id, i])), [base]);
  const baseRef = useRef(baseIndex);
  baseRef.current = baseIndex;

  const reset = () => {
    setShown(EMPTY);
    setHeld((heldRef.current = NONE));
  };
  // A new filter or order starts the live overlay afresh. (Not a reload of the pages: a call that
  // arrived while they loaded would be lost; one that is in both is shown once, by id.)
  useLayoutEffect(reset, [filterKey, orderKey]);

  // A layout effect: listening starts in the same task that shows the page, so no call made
  // after it appears can slip between the history's answer and the live events.
  useLayoutEffect(() => {
    const flush = () => {
      frame.current = null;
      const batch = queue.current;
      queue.current = [];
      // Split the batch: calls already waiting or new while held, and the rest (shown, or new and shown now).
      const prevHeld = heldRef.current;
      let nextHeld: Map<string, ToolCall> | null = null;
      const toShow: ToolCall[] = [];
      for (const call of batch) {
        if (prevHeld.has(call.id) || (holdRef.current && !shownKnows(call.id))) (nextHeld ??= new Map(prevHeld)).set(call.id, call);
        else toShow.push(call);
      }
      if (nextHeld) setHeld((heldRef.current = nextHeld));
      if (toShow.length > 0) setShown((prev) => applyShown(prev, toShow, baseRef.current));
    };
    // Whether the grid has this call already (as live, or as a row of the history).
    const shownKnows = (id: string) => shownRef.current.byId.has(id) || baseRef.current.has(id);
    return onHostEvent((event) => {
      if (event.type === 'activityCleared') {
        queue.current = [];
        reset();
        void pages.refetch();
        return;
      }
      if (event.type !== 'activity') return;
      if (!matches(filter, event.data.call)) return;
      queue.current.push(event.data.call);
      frame.current ??= requestAnimationFrame(flush);
    });
    // `filter` is described by filterKey: a new object with the same content changes nothing.
  }, [filterKey, orderKey]);
  const shownRef = useRef(shown);
  shownRef.current = shown;

  useEffect(() => () => void (frame.current !== null && cancelAnimationFrame(frame.current)), []);

  // Live calls not in the history's pages yet, newest first.
  const fresh = useMemo(() => shown.fresh.filter((id) => !baseIndex.has(id)).map((id) => shown.byId.get(id)!), [shown, baseIndex]);
  const rows: RowSource = useMemo(
    () => ({
      count: fresh.length + base.length,
      // A row the page has as history but that changed since (running -> finished) shows its live record.
      at: (i) => (i < fresh.length ? fresh[i]! : (shown.byId.get(base[i - fresh.length]!.id) ?? base[i - fresh.length]!)),
      running: anyRunning(shown.byId.values()) || base.slice(0, 200).some((c) => c.status === 'running' && !shown.byId.has(c.id)),
      find: (id) => shown.byId.get(id) ?? base[baseIndex.get(id) ?? -1],
      indexOf: (id) => {
        const i = baseIndex.get(id);
        return i !== undefined ? fresh.length + i : fresh.findIndex((c) => c.id === id);
      },
    }),
    [fresh, base, baseIndex, shown],
  );

  /** Show the calls that waited (newest first at the top); sorted, ask the history again, which puts them in their places. */
  const release = () => {
    if (sorted) {
      reset();
      void pages.refetch();
      return;
    }
    const waiting = [...held.values()];
    setHeld((heldRef.current = NONE));
    if (waiting.length > 0) setShown((prev) => applyShown(prev, waiting, baseRef.current));
  };

  // Back at the top of a live list: what waited only because the person was reading below joins it.
  useEffect(() => {
    if (!away && !paused && !sorted && held.size > 0) release();
  }, [away, paused, sorted, held.size]);

  return { pages, rows, pending: held.size, showPending: release, sorted };
}

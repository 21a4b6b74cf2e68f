/**
 * Calls made while `inFlight` earlier batches are on their way wait, and go together as the next
 * batch, in the order they were made; with one in flight, batches also end in that order. Each
 * call is served by a batch sent after it was made: to the chain, an answer is still its state
 * "at this moment", and to a store, a write is still on disk before its caller goes on; but a
 * burst of concurrent calls costs one round instead of one each. More than one batch in flight
 * keeps the other side busy while an answer travels back and the next batch forms.
 *
 * `send` gets the calls of one batch and returns each one's outcome, in order; if it throws,
 * every call of the batch fails with that error. `settled()` resolves once every call made so far
 * has its outcome: a store closes after it, and so after every write it was given.
 */
export function coalesced<I, O>(send: (items: I[]) => Promise<PromiseSettledResult<O>[]>, inFlight = 1): ((item: I) => Promise<O>) & { settled(): Promise<void> } {
  let waiting: { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }[] = [];
  /** Calls made and not yet answered, and who waits for there to be none. */
  let unsettled = 0;
  const onSettled: (() => void)[] = [];
  let sending = 0;
  let scheduled = false;
  const flush = async (): Promise<void> => {
    scheduled = false;
    if (waiting.length === 0 || sending >= inFlight) return;
    const batch = waiting;
    waiting = [];
    sending++;
    try {
      const outcomes = await send(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const outcome = outcomes[i]!;
        if (outcome.status === "fulfilled") w.resolve(outcome.value);
        else w.reject(outcome.reason);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      sending--;
      unsettled -= batch.length;
      if (unsettled === 0) for (const resolve of onSettled.splice(0)) resolve();
      schedule();
    }
  };
  // A batch waits for the event loop's turn, so calls made by requests read in the same turn go with it.
  const schedule = () => {
    if (scheduled || waiting.length === 0 || sending >= inFlight) return;
    scheduled = true;
    setImmediate(flush);
  };
  const call = (item: I) =>
    new Promise<O>((resolve, reject) => {
      unsettled++;
      waiting.push({ item, resolve, reject });
      schedule();
    });
  const settled = () => (unsettled === 0 ? Promise.resolve() : new Promise<void>((resolve) => onSettled.push(resolve)));
  return Object.assign(call, { settled });
}

/**
 * Calls to the chain made while `inFlight` earlier batches are on their way wait, and go together
 * as the next batch. Each call is answered by a request sent after it was made, so an answer is
 * still the chain's state "at this moment"; but a burst of concurrent calls costs the node one
 * round instead of one each, which is what lets intake outrun the node's per-call cost. More than
 * one batch in flight keeps the node busy while an answer travels back and the next batch forms.
 *
 * `send` gets the calls of one batch and returns each one's outcome, in order; if it throws,
 * every call of the batch fails with that error.
 */
export function coalesced<I, O>(send: (items: I[]) => Promise<PromiseSettledResult<O>[]>, inFlight = 1): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }[] = [];
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
      schedule();
    }
  };
  // A batch waits for the event loop's turn, so calls made by requests read in the same turn go with it.
  const schedule = () => {
    if (scheduled || waiting.length === 0 || sending >= inFlight) return;
    scheduled = true;
    setImmediate(flush);
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      schedule();
    });
}

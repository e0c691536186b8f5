/**
 * Runs `say` at most once a second, however often it is called: a gateway refusing a connect
 * storm must not flood the log it is being refused in.
 */
export function onceASecond(say: () => void, now: () => number = Date.now): () => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - lastAt <= 1000) return;
    lastAt = at;
    say();
  };
}

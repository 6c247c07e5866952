// The change queue of a chart view: what arrived since the last Vega pulse, merged per
// dataset, so that one pulse applies all of it.

/**
 * Merge `change` ({name, op: "append"|"replace"|"resmooth", start?, stop?}) into
 * `pending` (a Map of dataset name to its merged change): appends extend, a replace
 * wins, and a smoothing change is remembered alongside either.
 */
export function mergeChange(pending, change) {
  const previous = pending.get(change.name);
  if (change.op === "resmooth") {
    if (previous) previous.resmooth = true;
    else pending.set(change.name, { op: "resmooth", resmooth: true });
  } else if (change.op === "replace" || previous?.op === "replace") {
    pending.set(change.name, { op: "replace", resmooth: true });
  } else if (previous?.op === "append") {
    previous.stop = change.stop;
  } else {
    pending.set(change.name, {
      op: "append",
      start: change.start,
      stop: change.stop,
      resmooth: previous?.op === "resmooth",
    });
  }
  return pending;
}

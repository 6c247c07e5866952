// Work deferred to the start of the next frame, or to a timer where no frame comes (a
// hidden page has none).

/** Run `task` once, at the next animation frame or after 100 ms, whichever comes first. */
export function onceNextFrame(task) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    task();
  };
  const timer = setTimeout(run, 100);
  requestAnimationFrame(run);
}

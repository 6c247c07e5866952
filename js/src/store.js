// Columnar data store of one chart model: full-resolution typed arrays per column,
// filled from the model's `_data` state and from binary `data` messages.

const DTYPES = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
};

/** Copy a DataView / ArrayBuffer / typed array into a fresh, aligned typed array. */
function toTyped(dtype, source) {
  const Typed = DTYPES[dtype];
  if (!Typed) throw new Error(`nbvis: unknown column dtype ${JSON.stringify(dtype)}`);
  let bytes;
  if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source))
    bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  else throw new Error("nbvis: column data is not binary");
  return new Typed(bytes.slice().buffer);
}

/** Decode the columns of one dataset entry (state or message) into typed arrays. */
export function decodeColumns(entry, buffers) {
  const out = {};
  for (const [name, col] of Object.entries(entry.columns)) {
    const raw = col.data !== undefined ? col.data : buffers[col.buf];
    out[name] = { values: toTyped(col.dtype, raw), categories: col.categories ?? null };
  }
  return out;
}

class Column {
  constructor(categorical, values) {
    this.categorical = categorical;
    // Pixels stay bytes and float32 stays float32 (4 bytes a point for a million-point
    // series); every other number is kept as float64.
    const Storage = categorical
      ? Int32Array
      : values instanceof Uint8Array
        ? Uint8Array
        : values instanceof Float32Array
          ? Float32Array
          : Float64Array;
    this.data = new Storage(16);
    this.categories = [];
  }

  write(offset, decoded) {
    const need = offset + decoded.values.length;
    const widen = this.data instanceof Float32Array && !(decoded.values instanceof Float32Array);
    if (need > this.data.length || widen) {
      const Storage = widen ? Float64Array : this.data.constructor;
      const grown = new Storage(Math.max(need, need > this.data.length ? this.data.length * 2 : this.data.length));
      grown.set(this.data.subarray(0, offset));
      this.data = grown;
    }
    this.data.set(decoded.values, offset);
    if (decoded.categories) this.categories = decoded.categories;
  }

  value(i) {
    const v = this.data[i];
    if (this.categorical) return this.categories[v] ?? null;
    // Vega cannot scale NaN or ±Infinity: they become null, i.e. a gap in a line.
    return Number.isFinite(v) ? v : null;
  }
}

export class Table {
  constructor() {
    this.n = 0;
    this.columns = new Map();
    this.full = null; // rows the kernel holds, when this table is its overview
    this.pushed = false; // the kernel sends those rows without being asked
    this.version = 0; // bumped on every change (level-of-detail caches key on it)
    this.moved = 0; // bumped when rows move (a window trimmed the table): indexes rebuild
  }

  write(offset, n, decoded) {
    for (const [name, col] of Object.entries(decoded)) {
      if (col.values.length !== n) {
        throw new Error(`nbvis: column ${name} has ${col.values.length} values, expected ${n}`);
      }
      let column = this.columns.get(name);
      if (!column) {
        column = new Column(col.categories !== null, col.values);
        this.columns.set(name, column);
      }
      column.write(offset, col);
    }
    this.n = offset + n;
    this.version += 1;
  }

  /** Keep the last `window` rows of each series (the kernel's rule); true if rows went. */
  trim(window) {
    if (!window || this.n <= window) return false;
    const series = this.columns.get("series");
    const keep = new Uint8Array(this.n);
    let kept = 0;
    if (!series) {
      keep.fill(1, this.n - window);
      kept = window;
    } else {
      const counts = new Int32Array(series.categories.length + 1);
      for (let i = this.n - 1; i >= 0; i--) {
        const c = series.data[i];
        if (counts[c] < window) {
          counts[c] += 1;
          keep[i] = 1;
          kept += 1;
        }
      }
    }
    if (kept === this.n) return false;
    for (const column of this.columns.values()) {
      const data = column.data;
      let j = 0;
      for (let i = 0; i < this.n; i++) if (keep[i]) data[j++] = data[i];
    }
    this.n = kept;
    this.version += 1;
    this.moved += 1;
    return true;
  }

  /** Row objects for Vega, rows [start, stop). */
  rows(start = 0, stop = this.n) {
    return this.pick(null, start, stop);
  }

  /** Row objects of the given row indices (or of rows [start, stop) when `index` is null). */
  pick(index, start = 0, stop = index ? index.length : this.n) {
    const names = [...this.columns.keys()];
    const cols = names.map((name) => this.columns.get(name));
    const out = new Array(Math.max(0, stop - start));
    for (let k = start; k < stop; k++) {
      const i = index ? index[k] : k;
      const row = {};
      for (let c = 0; c < cols.length; c++) row[names[c]] = cols[c].value(i);
      out[k - start] = row;
    }
    return out;
  }
}

export class DataStore {
  constructor(state) {
    this.seq = -1;
    this.tables = new Map();
    this.staging = new Map(); // replacements arriving in chunks, shown once complete
    this.listeners = new Set();
    this.awaitingResync = false;
    this.fetching = new Set();
    this.reset(state);
  }

  table(name) {
    let table = this.tables.get(name);
    if (!table) {
      table = new Table();
      this.tables.set(name, table);
    }
    return table;
  }

  /** Replace everything with a `_data` state, unless the store already holds it. */
  reset(state) {
    if (!state || typeof state.seq !== "number") return;
    if (state.seq < this.seq) return; // stale: newer messages were already applied
    const entries = Object.entries(state.datasets ?? {});
    // An overview (`full` rows in the kernel) is up to date if this store has them all.
    const upToDate =
      state.seq === this.seq &&
      entries.every(([name, d]) => this.tables.has(name) && this.tables.get(name).n === (d.full ?? d.n));
    this.awaitingResync = false;
    if (upToDate) return;
    this.tables = new Map();
    this.staging.clear();
    this.fetching.clear();
    for (const [name, entry] of entries) {
      const table = this.table(name);
      table.write(0, entry.n, decodeColumns(entry, []));
      table.full = typeof entry.full === "number" ? entry.full : null;
      table.pushed = Boolean(entry.pushed);
      if (entry.window) table.trim(entry.window);
    }
    this.seq = state.seq;
    this.emit({ type: "reset", names: entries.map(([name]) => name) });
  }

  /** Datasets shown as an overview whose full rows nobody has sent or asked for yet. */
  wantsFull() {
    const out = [];
    for (const [name, table] of this.tables) {
      if (table.full !== null && !table.pushed && !this.fetching.has(name)) out.push(name);
    }
    for (const name of out) this.fetching.add(name);
    return out;
  }

  /** Apply one binary `data` message: appends and replacements per dataset. */
  apply(msg, buffers) {
    const changes = [];
    for (const [name, entry] of Object.entries(msg.datasets ?? {})) {
      const decoded = decodeColumns(entry, buffers ?? []);
      let table;
      if (entry.op === "replace" || this.staging.has(name)) {
        table = entry.op === "replace" ? new Table() : this.staging.get(name);
        table.write(table.n, entry.n, decoded);
        if (entry.more) {
          this.staging.set(name, table);
          continue;
        }
        this.staging.delete(name);
        this.tables.set(name, table);
        if (entry.window) table.trim(entry.window);
        changes.push({ name, op: "replace" });
      } else {
        table = this.table(name);
        const start = table.n;
        table.write(start, entry.n, decoded);
        // rows that fell out of the window change the table's start: a replacement
        if (entry.window && table.trim(entry.window)) changes.push({ name, op: "replace" });
        else changes.push({ name, op: "append", start, stop: table.n });
      }
    }
    this.seq = msg.seq;
    this.emit({ type: "data", changes });
  }

  /** Whether a message with this sequence number follows the last one applied. */
  expects(seq) {
    return seq === this.seq + 1;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const listener of this.listeners) listener(event);
  }
}

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
  constructor(categorical, bytes = false) {
    this.categorical = categorical;
    // Pixels stay bytes; every other number is kept as float64.
    this.data = categorical ? new Int32Array(16) : bytes ? new Uint8Array(16) : new Float64Array(16);
    this.categories = [];
  }

  write(offset, decoded) {
    const need = offset + decoded.values.length;
    if (need > this.data.length) {
      const grown = new this.data.constructor(Math.max(need, this.data.length * 2));
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

class Table {
  constructor() {
    this.n = 0;
    this.columns = new Map();
  }

  write(offset, n, decoded) {
    for (const [name, col] of Object.entries(decoded)) {
      if (col.values.length !== n) {
        throw new Error(`nbvis: column ${name} has ${col.values.length} values, expected ${n}`);
      }
      let column = this.columns.get(name);
      if (!column) {
        column = new Column(col.categories !== null, col.values instanceof Uint8Array && col.categories === null);
        this.columns.set(name, column);
      }
      column.write(offset, col);
    }
    this.n = offset + n;
  }

  /** Row objects for Vega, rows [start, stop). */
  rows(start = 0, stop = this.n) {
    const names = [...this.columns.keys()];
    const cols = names.map((name) => this.columns.get(name));
    const out = new Array(Math.max(0, stop - start));
    for (let i = start; i < stop; i++) {
      const row = {};
      for (let c = 0; c < cols.length; c++) row[names[c]] = cols[c].value(i);
      out[i - start] = row;
    }
    return out;
  }
}

export class DataStore {
  constructor(state) {
    this.seq = -1;
    this.tables = new Map();
    this.listeners = new Set();
    this.awaitingResync = false;
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
    const upToDate =
      state.seq === this.seq &&
      entries.every(([name, d]) => this.tables.has(name) && this.tables.get(name).n === d.n);
    this.awaitingResync = false;
    if (upToDate) return;
    this.tables = new Map();
    for (const [name, entry] of entries) this.table(name).write(0, entry.n, decodeColumns(entry, []));
    this.seq = state.seq;
    this.emit({ type: "reset", names: entries.map(([name]) => name) });
  }

  /** Apply one binary `data` message: appends and replacements per dataset. */
  apply(msg, buffers) {
    const changes = [];
    for (const [name, entry] of Object.entries(msg.datasets ?? {})) {
      const decoded = decodeColumns(entry, buffers ?? []);
      if (entry.op === "replace") {
        const table = new Table();
        table.write(0, entry.n, decoded);
        this.tables.set(name, table);
        changes.push({ name, op: "replace" });
      } else {
        const table = this.table(name);
        const start = table.n;
        table.write(start, entry.n, decoded);
        changes.push({ name, op: "append", start, stop: table.n });
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

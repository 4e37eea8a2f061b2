// The page's copy of the runtime's dashboard state. The feed sends the whole state once,
// then only what changed (runtime/src/dashboard/jsondelta.cpp): a top-level value
// whole, or, for an object section, its changed members (null = removed).
export function applyDelta(state, delta) {
  for (const [key, value] of Object.entries(delta)) {
    const current = state[key];
    if (!isObject(current) || !isObject(value)) {
      state[key] = value;
      continue;
    }
    const section = { ...current };
    for (const [member, change] of Object.entries(value)) {
      if (change === null) delete section[member];
      else section[member] = change;
    }
    state[key] = section;
  }
  return state;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

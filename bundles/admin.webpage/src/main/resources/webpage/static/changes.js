// What the administrator changed in a form. A PUT lays its body over what is stored, so a field sent blank
// deletes a stored value: a form sends only what was changed, and a box never touched keeps what is stored
// (even a value the page could not show). Plain functions, no DOM: the bundle's tests run them in Node.

/** The entries of body whose value differs from the same entry of initial (compared as JSON). */
export function changedEntries(body, initial) {
  const changed = {};
  for (const [name, value] of Object.entries(body)) {
    if (JSON.stringify(value) !== JSON.stringify(initial[name])) changed[name] = value;
  }
  return changed;
}

/** The scopes ({smtp, pop3}) typed over what was shown; null when none was, so no "scopes" is sent at all. */
export function typedScopes(current, initial) {
  const typed = changedEntries(current, initial);
  return Object.keys(typed).length ? typed : null;
}

// Keeps the live page's command list current while a command waits for its device (clinicians only: the list
// endpoint names patients). Polls every 2 s while anything is pending or delivered, then stops.
const section = document.getElementById('commands');
const list = document.getElementById('command-list');
const url = section?.dataset.list;

function waiting() {
  return [...list.querySelectorAll('li[data-state]')].some(li => li.dataset.state === 'pending' || li.dataset.state === 'delivered');
}

function render(commands) {
  list.replaceChildren(...commands.map(c => {
    const li = document.createElement('li');
    li.dataset.command = c.command_id;
    li.dataset.state = c.state;
    const what = document.createElement('strong');
    what.textContent = c.what;
    const status = document.createElement('span');
    status.className = 'command-status';
    status.textContent = c.status;
    const when = document.createElement('span');
    when.className = 'muted';
    when.textContent = ` (${c.issued_utc.replace('T', ' ').slice(0, 16)} UTC, ${c.issued_by})`;
    li.append(what, ' — ', status, when);
    return li;
  }));
}

async function poll() {
  try {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (response.ok) {
      render(await response.json());
    }
  } catch {
    // The dashboard is briefly unreachable: try again at the next tick.
  }

  if (waiting()) {
    setTimeout(poll, 2000);
  }
}

if (url && list && waiting()) {
  setTimeout(poll, 2000);
}

// Aborting ends the patient's test for good: ask once before sending it.
document.getElementById('abort-test')?.addEventListener('submit', event => {
  if (!window.confirm('Abort the running test on this device? The session is kept, marked aborted.')) {
    event.preventDefault();
  }
});

//! The pages behind the console's links: first-run setup and invitation acceptance (a GET
//! only shows a form; its POST, sent as JSON by `/console/form.js`, spends the link), and a
//! plain sign-in form at `/console/sign-in`. The console app itself (`/console/`) is served
//! from the static assets. Strict CSP: no inline script or style.

use worker::{Headers, Request, Response};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const FORM_JS: &str = r#"// Sends the page's form as JSON to its data-action; shows each error at its field.
const form = document.querySelector('form[data-action]');
const status = document.getElementById('status');
const token = new URLSearchParams(location.search).get('token');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(new FormData(form));
  if (token) body.token = token;
  for (const slot of form.querySelectorAll('[data-error]')) slot.textContent = '';
  status.textContent = 'Working…';
  let answer;
  try {
    answer = await fetch(form.dataset.action, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    status.textContent = 'The server did not answer. Try again.';
    return;
  }
  if (answer.ok) {
    const me = await answer.json().catch(() => null);
    form.hidden = true;
    status.textContent = form.dataset.done + (me?.user ? ` Signed in as ${me.user.email}.` : '');
    // Signed in: on to the console.
    if (me?.user) location.assign('/console/');
    return;
  }
  const { error } = await answer.json().catch(() => ({ error: { field: '', message: 'Something went wrong.' } }));
  const slot = error.field && form.querySelector(`[data-error="${CSS.escape(error.field)}"]`);
  if (slot) {
    slot.textContent = error.message;
    status.textContent = 'Please correct the field above.';
  } else {
    status.textContent = error.message;
  }
});
"#;

const FORM_CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}\
main{max-width:26rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:12px;\
box-shadow:0 1px 3px #0002}h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;margin:1rem 0 .25rem;\
font-weight:600}input{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #8a94a6;border-radius:6px;\
font:inherit}button{margin-top:1.5rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1d4ed8;\
color:#fff;font:inherit;cursor:pointer}[data-error]{color:#b91c1c;font-size:.9rem;min-height:1.2em;margin:.25rem 0 0}\
#status{margin-top:1rem}p.hint{color:#4b5563;font-size:.9rem}\
@media (prefers-color-scheme:dark){body{background:#0f1115;color:#e6e8eb}main{background:#1a1d23}\
input{background:#0f1115;color:#e6e8eb;border-color:#6b7280}p.hint{color:#9ca3af}[data-error]{color:#fca5a5}}";

fn field(name: &str, label: &str, kind: &str, autocomplete: &str) -> String {
    format!(
        r#"<label for="{name}">{label}</label><input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" required aria-describedby="{name}-error"><p id="{name}-error" data-error="{name}" aria-live="polite"></p>"#
    )
}

fn page(
    title: &str,
    intro: &str,
    action: &str,
    done: &str,
    fields: &[String],
    button: &str,
) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Cairn</title><link rel="stylesheet" href="/console/form.css"></head><body><main><h1>{title}</h1><p class="hint">{intro}</p><form data-action="{action}" data-done="{done}" novalidate>{}<button type="submit">{button}</button></form><p id="status" role="status" aria-live="polite"></p></main><script type="module" src="/console/form.js"></script></body></html>"#,
        fields.concat()
    )
}

fn respond(body: &str, content_type: &str) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Content-Security-Policy", CSP)?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// The page for `path`, if it is one of these (GET only).
pub fn serve(req: &Request, path: &str) -> worker::Result<Option<Response>> {
    if req.method() != worker::Method::Get {
        return Ok(None);
    }
    let html = "text/html; charset=utf-8";
    let r = match path {
        "/console/form.js" => respond(FORM_JS, "text/javascript; charset=utf-8")?,
        "/console/form.css" => respond(FORM_CSS, "text/css; charset=utf-8")?,
        "/console/setup" => respond(
            &page(
                "Set up Cairn",
                "Create your console account. This link works once.",
                "/console/api/setup",
                "Your account is ready.",
                &[
                    field("email", "Email", "email", "email"),
                    field("name", "Name", "text", "name"),
                    field(
                        "password",
                        "Password (12 characters or more)",
                        "password",
                        "new-password",
                    ),
                ],
                "Create account",
            ),
            html,
        )?,
        "/console/accept" => respond(
            &page(
                "Join your team on Cairn",
                "Choose a password (or give yours if you already have a Cairn account). This link works once.",
                "/console/api/invitations/accept",
                "You have joined the workspace.",
                &[
                    field("name", "Name", "text", "name"),
                    field("password", "Password", "password", "new-password"),
                ],
                "Join",
            ),
            html,
        )?,
        "/console/sign-in" => respond(
            &page(
                "Sign in to Cairn",
                "The console for your product team.",
                "/console/api/session",
                "Welcome back.",
                &[
                    field("email", "Email", "email", "email"),
                    field("password", "Password", "password", "current-password"),
                ],
                "Sign in",
            ),
            html,
        )?,
        _ => return Ok(None),
    };
    Ok(Some(r))
}

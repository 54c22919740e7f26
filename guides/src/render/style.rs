//! The messages' stylesheet, adopted by the shadow root and themed with CSS custom properties.
//!
//! Hosts theme it by setting `--cairn-accent`, `--cairn-on-accent` (text on the accent),
//! `--cairn-bg`, `--cairn-fg`, `--cairn-radius` and `--cairn-font` on any ancestor of the
//! host element (custom properties inherit into the shadow tree).

/// Adopted through a constructable `CSSStyleSheet`, so it works under `style-src 'self'`.
pub(crate) const CSS: &str = "\
:host{all:initial}\
[data-cairn-pending]{visibility:hidden}\
*{box-sizing:border-box;font-family:var(--cairn-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif)}\
dialog{padding:0;border:0;background:transparent;max-width:calc(100vw - 2rem);overflow:visible}\
dialog::backdrop{background:rgba(15,23,42,.5)}\
[data-cairn-surface=modal]{position:relative;width:28rem;max-width:100%;max-height:90vh;overflow:auto;\
padding:1.5rem;background:var(--cairn-bg,#fff);color:var(--cairn-fg,#0f172a);\
border-radius:var(--cairn-radius,12px);box-shadow:0 20px 50px rgba(0,0,0,.3)}\
[data-cairn-surface=banner]{position:fixed;left:0;right:0;bottom:0;z-index:2147483645;display:flex;\
flex-wrap:wrap;align-items:center;gap:.75rem;padding:.75rem 3rem .75rem 1rem;\
background:var(--cairn-bg,#fff);color:var(--cairn-fg,#0f172a);\
border-top:3px solid var(--cairn-accent,#4f46e5);box-shadow:0 -4px 20px rgba(0,0,0,.12)}\
h2{margin:0 2rem .5rem 0;font-size:1.25rem;line-height:1.3}\
p{margin:0 0 1.25rem;line-height:1.5}\
[data-cairn-surface=banner]>span{flex:1}\
[data-cairn-body]{margin:0 0 1.25rem;line-height:1.5}[data-cairn-body]>*{margin:0 0 .5rem}\
[data-cairn-body]>:last-child{margin-bottom:0}[data-cairn-body] :is(ul,ol){padding-inline-start:1.25rem}\
[data-cairn-body] a{color:inherit;font-weight:600;text-decoration:underline}\
button{font:inherit;font-size:.9375rem;cursor:pointer;padding:.5rem 1rem;border:1px solid transparent;\
border-radius:var(--cairn-radius,8px)}\
[data-cairn-action=cta],[data-cairn-action=next],[data-cairn-action=send]{background:var(--cairn-accent,#4f46e5);\
color:var(--cairn-on-accent,#fff)}\
[data-cairn-action=back],[data-cairn-action=snooze]{background:transparent;color:inherit;border-color:currentColor}\
[data-cairn-action=dismiss]{background:transparent;color:inherit;border-color:currentColor}\
[data-cairn-action=close]{position:absolute;top:.5rem;right:.5rem;padding:.25rem .5rem;\
background:transparent;color:inherit}\
button:focus-visible{outline:2px solid var(--cairn-accent,#4f46e5);outline-offset:2px}\
[popover]{inset:auto;margin:0;border:0;padding:0;overflow:visible;height:auto;max-width:none}\
[data-cairn-surface=slideout],[data-cairn-surface=tooltip],[data-cairn-surface=tour],\
[data-cairn-surface=checklist],[data-cairn-surface=invite],[data-cairn-surface=inbox]{position:fixed;z-index:2147483645;width:min(20rem,calc(100vw - 1rem));\
padding:1rem 1.25rem;background:var(--cairn-bg,#fff);color:var(--cairn-fg,#0f172a);\
border-radius:var(--cairn-radius,12px);box-shadow:0 10px 30px rgba(0,0,0,.25)}\
[data-cairn-surface=checklist]{right:1rem}\
[data-cairn-surface=slideout],[data-cairn-surface=invite]{left:1rem}\
[data-cairn-surface=checklist],[data-cairn-surface=slideout],[data-cairn-surface=invite]{\
bottom:max(5rem,calc(var(--cairn-lift,0px) + 1rem))}\
[data-cairn-surface=inbox]{right:1rem;top:1rem;max-height:calc(100vh - 2rem);overflow:auto}\
[data-cairn-surface=inbox]>ul{list-style:none;margin:0;padding:0}\
[data-cairn-surface=inbox] li{padding:.5rem 0;border-top:1px solid rgba(127,127,127,.35)}\
[data-cairn-surface=inbox] p{margin:0 0 .25rem}\
[data-cairn-check]{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}\
input[type=email]{display:block;width:100%;margin-top:.25rem;font:inherit;padding:.375rem}\
[data-cairn-status]:empty{display:none}[data-cairn-status]{margin:.5rem 0}\
[data-cairn-surface=tour]{left:50%;bottom:1.5rem;transform:translateX(-50%)}\
[data-cairn-surface=tooltip],[data-cairn-surface=tour][style]{transform:none;bottom:auto}\
[data-cairn-actions]{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:flex-end}\
[data-cairn-hotspot]{position:fixed;z-index:2147483645;width:12px;height:12px;border-radius:50%;\
background:var(--cairn-accent,#4f46e5);pointer-events:none;animation:cairn-pulse 1.5s infinite}\
@keyframes cairn-pulse{50%{box-shadow:0 0 0 8px rgba(79,70,229,.25)}}\
[data-cairn-scale]{display:flex;flex-wrap:wrap;gap:.25rem;margin:.5rem 0}\
[data-cairn-scale] button{min-width:2.25rem;padding:.375rem;border-color:currentColor;background:transparent;\
color:inherit}\
[data-cairn-scale] [aria-pressed=true]{background:var(--cairn-accent,#4f46e5);color:var(--cairn-on-accent,#fff)}\
[data-cairn-legend]{display:flex;justify-content:space-between;font-size:.8125rem}\
label{display:block;margin:.5rem 0}textarea{display:block;width:100%;margin-top:.25rem;font:inherit}\
[data-cairn-surface=checklist]>ul{list-style:none;margin:.5rem 0 0;padding:0}\
[data-cairn-surface=checklist]>ul>li{display:flex;gap:.5rem;align-items:center;padding:.25rem 0}\
[data-cairn-task=done]{text-decoration:line-through;opacity:.75}\
[data-cairn-action=go]{padding:0;background:none;color:inherit;text-decoration:underline}\
progress{width:100%;accent-color:var(--cairn-accent,#4f46e5)}\
small{display:block;margin-bottom:.25rem;opacity:.8}\
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}\
";

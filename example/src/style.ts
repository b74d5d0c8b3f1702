/** The app's one stylesheet, served at /style.css. */
export const stylesheet = `
:root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #f7f7f9; }
body { margin: 0; }
header { background: #5d34f2; padding: 0.75rem 1.5rem; }
header a { color: #fff; margin-right: 1.25rem; text-decoration: none; font-weight: 600; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
main.wide { max-width: 96rem; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (min-width: 1100px) { .columns { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.columns .result { margin-top: 0; }
#inbox h2 { margin-top: 0; }
h1 { font-size: 1.6rem; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { background: #fff; border: 1px solid #ddd; padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; }
form#connector-form { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; }
.field { margin: 0 0 1rem; }
.field label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.field label.choice { display: inline-block; font-weight: normal; margin-right: 1rem; }
.field input[type=text], .field input[type=password], .field input[type=number], .field input[type=email],
.field select, .field textarea { width: 100%; box-sizing: border-box; padding: 0.4rem; font: inherit; }
.field textarea { font-family: ui-monospace, monospace; font-size: 0.85rem; }
.field .help { color: #555; font-size: 0.85rem; margin: 0.25rem 0 0; }
.field.invalid input, .field.invalid textarea { border: 2px solid #c62828; }
.required { color: #c62828; margin-left: 0.2rem; }
.error { color: #c62828; }
button { background: #5d34f2; color: #fff; border: 0; border-radius: 6px; padding: 0.5rem 1rem; font: inherit; cursor: pointer; }
.result { border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.result.ok { background: #e8f5e9; border: 1px solid #66bb6a; }
.result.failed { background: #fdecea; border: 1px solid #e57373; }
.result h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.console-message { font-weight: 600; }
.meta { color: #555; font-size: 0.85rem; }
#inbox { margin-top: 1rem; }
.email { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.email h3 { margin: 0 0 0.5rem; }
.email dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 0.75rem; }
.email dt { font-weight: 600; }
.email dd { margin: 0; }
.email iframe { width: 100%; height: 18rem; border: 1px solid #ddd; background: #fff; }
`;

import type { App } from "../hono-app";

/** Serves the OpenAPI document built from the route schemas, and a small docs page. */
export function register(app: App) {
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Tourney API",
      version: "1",
      description: "Verifiable, staked prediction tournament",
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  app.get("/docs", (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tourney API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:#f2f2f2;padding:0 .2em}h2{border-bottom:1px solid #ccc}</style></head>
<body><h1>Tourney API</h1><p>The machine-readable schema is at <a href="/openapi.json">/openapi.json</a>.</p>
<div id="routes">Loading…</div>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const el=document.getElementById('routes');el.textContent='';
  for(const [path,ops] of Object.entries(doc.paths)){for(const [m,op] of Object.entries(ops)){
    const h=document.createElement('h2');h.textContent=m.toUpperCase()+' '+path;el.appendChild(h);
    const p=document.createElement('p');p.textContent=op.summary||'';el.appendChild(p);}}
});
</script></body></html>`),
  );
}

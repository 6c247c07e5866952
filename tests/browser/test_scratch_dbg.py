from browser.test_lines_browser import HOVER, CHARTS, ORIGIN, zoom
from browser.test_lod_browser import wait_state
def test_dbg(lab):
    lab.server.write_notebook("h.ipynb", [HOVER])
    lab.open("h.ipynb")
    lab.run_all()
    wait_state(lab, "d.lod.n === 40000 && d.lines && d.lines.info.draws > 0")
    zoom(lab, 12_300, 12_400)
    pos = lab.page.evaluate(f"""() => {{ const el = {CHARTS}[0], v = el.__nbvis.view;
             const box = el.querySelector('canvas:not(.nbvis-lines)').getBoundingClientRect();
             const [ox, oy] = {ORIGIN}(v); return [box.left + ox + v.scale('x')(12346), box.top + oy + v.scale('y')(Math.sin(12346/900))]; }}""")
    lab.page.mouse.move(pos[0] - 3, pos[1])
    lab.page.wait_for_timeout(300)
    lab.page.mouse.move(pos[0], pos[1])
    lab.page.wait_for_timeout(800)
    print(lab.page.evaluate(f"""() => {{ const v = {CHARTS}[0].__nbvis.view; const out=[]; const walk=(n)=>{{ for (const it of n.items??[]) {{ if (it.mark?.marktype==='rule' || (it.mark?.marktype==='symbol' && it.datum?.series)) out.push([it.mark.name, it.x, it.y, it.y2, it.opacity, it.stroke, JSON.stringify(it.bounds)]); walk(it);}} }}; walk(v.scenegraph().root); return [out, v._handler._active && v._handler._active.mark.name, v.container().getAttribute('title')]; }}"""))
    lab.screenshot("dbg")

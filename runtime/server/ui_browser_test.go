package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// findChromium returns a Chromium or Chrome binary: $PATTERNC_CHROMIUM,
// else the first of the usual names on PATH (Debian's package is
// "chromium"; .ci/run installs it).
func findChromium() (string, error) {
	if p := os.Getenv("PATTERNC_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser, google-chrome or chrome on PATH and PATTERNC_CHROMIUM is unset (apt-get install -y chromium)")
}

// browser starts headless Chromium for one test and returns a tab's
// context; the browser stops when the test ends. The test is skipped,
// saying why, only when no Chromium can be found.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin, err := findChromium()
	if err != nil {
		t.Skip("skipping the browser test: " + err.Error())
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("enable-precise-memory-info", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The page's errors and console lines go to the test log.
	listen := chromedp.WithListener(func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			t.Logf("page exception at %s:%d: %s", d.URL, d.LineNumber, desc)
		case *cdpruntime.EventConsoleAPICalled:
			var b strings.Builder
			for _, a := range ev.Args {
				b.WriteString(string(a.Value) + " " + a.Description + " ")
			}
			t.Logf("page console.%s: %s", ev.Type, b.String())
		}
	})
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(func(string, ...any) {}), listen)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser, bound to ctx
		t.Fatalf("starting %s: %v", bin, err)
	}
	return ctx
}

// tab helps a test drive the console.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// waitFor polls a JavaScript predicate until it is truthy.
func (p tab) waitFor(what, expr string, timeout time.Duration) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		p.t.Fatalf("waiting for %s (%s): %v\npage text: %s", what, expr, err, p.eval(`document.body.innerText.slice(0, 3000)`))
	}
}

// eval evaluates a JavaScript expression and returns its value as text.
func (p tab) eval(expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return fmt.Sprint(v)
}

func (p tab) do(expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](expr)); err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
}

// screenshotDir is where PATTERNC_CONSOLE_SCREENSHOTS=1 writes the
// README's screenshots (docs/console/), from this package's directory.
func screenshotDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "console")
}

// shoot saves a PNG of the viewport at w×h when screenshots are asked for.
func (p tab) shoot(name string, w, h int64, mobile bool) {
	p.t.Helper()
	if os.Getenv("PATTERNC_CONSOLE_SCREENSHOTS") == "" {
		return
	}
	view := chromedp.EmulateViewport(w, h)
	if mobile {
		view = chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	if err := chromedp.Do(p.ctx, view, chromedp.Sleep(300*time.Millisecond)); err != nil {
		p.t.Fatal(err)
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	dir := screenshotDir(p.t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote docs/console/%s (%d bytes)", name, len(png))
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		p.t.Fatal(err)
	}
}

// a11yProbe lists what fails basic accessibility checks on the visible
// page: a form control without a label, a button without a name, and
// text whose contrast with its background is under WCAG AA's 4.5:1.
const a11yProbe = `(() => {
  const bad = [];
  const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
  for (const e of document.querySelectorAll("input, select, textarea")) {
    if (visible(e) && e.labels.length === 0 && !e.getAttribute("aria-label")) bad.push("no label: #" + e.id);
  }
  for (const e of document.querySelectorAll("button")) {
    if (visible(e) && !(e.innerText.trim() || e.getAttribute("aria-label"))) bad.push("unnamed button");
  }
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const bg = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || seen.has(e) || !visible(e)) continue;
    seen.add(e);
    const a = lum(rgb(getComputedStyle(e).color).slice(0, 3)), b = lum(bg(e));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push("contrast " + ratio.toFixed(2) + ": " + e.tagName + " " + n.textContent.trim().slice(0, 30));
  }
  return bad.join("\n");
})()`

// accessible fails the test for each control without a label and each
// text under 4.5:1 contrast on the page as it is now.
func (p tab) accessible() {
	p.t.Helper()
	if bad := p.eval(a11yProbe); bad != "" {
		p.t.Errorf("accessibility:\n%s", bad)
	}
}

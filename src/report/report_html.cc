// The report as one self-contained HTML page: inline SVG charts and CSS, no
// script and nothing fetched, so it can be mailed, archived and opened
// offline. Every value from the data (segment names, labels) is escaped.
#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "convsent/report.h"
#include "util/html.h"

namespace convsent {
namespace {


__attribute__((format(printf, 2, 3))) void Put(std::string* out, const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  if (n > 0) out->append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
}

// The band colours, from strong to at risk, and their zones on the share of
// negative conversations.
const char* const kBandFill[] = {"#d8f0dc", "#eef6d5", "#fdebc8", "#f9d0cc"};
const char* const kBandInk[] = {"#1e7b34", "#58761a", "#9a5b00", "#b3261e"};
const double kBandEdges[] = {0, 0.10, 0.20, 0.35};

std::string Pct(double share, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f%%", decimals, 100 * share);
  return buf;
}

std::string BandChip(double negative_share) {
  const Band b = BandOf(negative_share);
  std::string out;
  Put(&out, "<span class=\"chip\" style=\"background:%s;color:%s\">%s</span>", kBandFill[static_cast<int>(b)],
      kBandInk[static_cast<int>(b)], std::string(BandName(b)).c_str());
  return out;
}

// A scale for shares: up to the next 10% above the largest value, from 40% to 100%.
double ShareTop(double max_share) { return std::min(1.0, std::max(0.4, std::ceil(max_share * 10 + 0.5) / 10)); }

// Horizontal band zones behind a share axis running from `y0` (0) up to
// `y1` (top), for a chart `x0`..`x1`.
void BandZones(std::string* out, double x0, double x1, double y0, double y1, double top) {
  for (int b = 0; b < 4; ++b) {
    const double lo = kBandEdges[b], hi = b == 3 ? top : std::min(top, kBandEdges[b + 1]);
    if (lo >= top) break;
    const double ya = y0 - (y0 - y1) * hi / top, yb = y0 - (y0 - y1) * lo / top;
    Put(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x0, ya, x1 - x0, yb - ya,
        kBandFill[b]);
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"zone\" fill=\"%s\">%s</text>", x1 - 4, ya + 12, kBandInk[b],
        std::string(BandName(static_cast<Band>(b))).c_str());
  }
}

void TrendChart(std::string* out, const Report& r) {
  const auto& t = r.trend;
  if (t.empty()) return;
  const double W = 860, H = 300, L = 52, R = 70, T = 16, B = 40;
  double max_share = 0;
  for (const auto& p : t) max_share = std::max({max_share, p.counts.NegativeShare(), p.counts.NeutralShare()});
  const double top = ShareTop(max_share);
  const double step = t.size() > 1 ? (W - L - R) / static_cast<double>(t.size() - 1) : 0;
  auto x = [&](size_t i) { return t.size() > 1 ? L + step * static_cast<double>(i) : (L + W - R) / 2; };
  auto y = [&](double share) { return (H - B) - (H - B - T) * share / top; };
  Put(out, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Share of negative conversations per %s\">", W, H,
      r.period == Period::kDay ? "day" : "week");
  BandZones(out, L, W - R, H - B, T, top);
  for (double g = 0; g <= top + 1e-9; g += 0.1) {
    Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", L, W - R, y(g), y(g));
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%.0f%%</text>", L - 6, y(g) + 4, 100 * g);
  }
  // Method changes first, so the lines draw over them.
  for (size_t i = 0; i < t.size(); ++i) {
    if (!t[i].method_change) continue;
    const double xm = i > 0 ? (x(i) + x(i - 1)) / 2 : x(i);
    Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"method\"/>", xm, xm, T, H - B);
    std::string models;
    for (const auto& [m, n] : t[i].models) models += (models.empty() ? "" : " + ") + m;
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"methodlabel\">method change<title>%s from %s: %s</title></text>",
        xm + 4, T + 12, t[i].models.size() > 1 ? "Two methods in one period" : "New method", HtmlEscape(t[i].label).c_str(),
        HtmlEscape(models).c_str());
  }
  std::string neg, neu;
  for (size_t i = 0; i < t.size(); ++i) {
    Put(&neg, "%s%.1f,%.1f", i ? " " : "", x(i), y(t[i].counts.NegativeShare()));
    Put(&neu, "%s%.1f,%.1f", i ? " " : "", x(i), y(t[i].counts.NeutralShare()));
  }
  Put(out, "<polyline points=\"%s\" class=\"neutral\"/>", neu.c_str());
  Put(out, "<polyline points=\"%s\" class=\"negative\"/>", neg.c_str());
  const size_t label_every = std::max<size_t>(1, t.size() / 12);
  for (size_t i = 0; i < t.size(); ++i) {
    const auto& p = t[i];
    Put(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"dot\"><title>%s: %s negative, %s neutral of %lld scored",
        x(i), y(p.counts.NegativeShare()), HtmlEscape(p.label).c_str(), Pct(p.counts.NegativeShare()).c_str(),
        Pct(p.counts.NeutralShare()).c_str(), static_cast<long long>(p.counts.scored()));
    *out += "</title></circle>";
    if (i % label_every == 0 || i + 1 == t.size()) {
      Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>", x(i), H - B + 16,
          HtmlEscape(p.label).c_str());
    }
  }
  Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\"><tspan class=\"lneg\">&#9644; negative share</tspan>"
           "<tspan dx=\"16\" class=\"lneu\">&#9476; neutral share</tspan></text>", L, H - 6);
  *out += "</svg>\n";
}

// First response time (median, bars; p90, ticks) per period, on the same
// x positions as the trend.
void SpeedChart(std::string* out, const Report& r) {
  const auto& t = r.trend;
  double max_min = 0;
  for (const auto& p : t) {
    if (p.related.frt_p90_min) max_min = std::max(max_min, *p.related.frt_p90_min);
  }
  if (t.empty() || max_min <= 0) return;
  const double W = 860, H = 200, L = 52, R = 70, T = 12, B = 40;
  const double step = t.size() > 1 ? (W - L - R) / static_cast<double>(t.size() - 1) : 0;
  auto x = [&](size_t i) { return t.size() > 1 ? L + step * static_cast<double>(i) : (L + W - R) / 2; };
  const double top = max_min * 1.1;
  auto y = [&](double v) { return (H - B) - (H - B - T) * v / top; };
  const double bar = std::max(3.0, std::min(28.0, step * 0.5));
  Put(out, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"First response time per period\">", W, H);
  for (int g = 0; g <= 4; ++g) {
    const double v = top * g / 4;
    Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", L, W - R, y(v), y(v));
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%s</text>", L - 6, y(v) + 4,
        v >= 120 ? (std::to_string(static_cast<int>(std::lround(v / 60))) + " h").c_str()
                 : (std::to_string(static_cast<int>(std::lround(v))) + " min").c_str());
  }
  for (size_t i = 0; i < t.size(); ++i) {
    const auto& m = t[i].related;
    if (!m.frt_median_min) continue;
    Put(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frt\"><title>%s: median %.0f min, "
             "mean %.0f min, p90 %.0f min</title></rect>",
        x(i) - bar / 2, y(*m.frt_median_min), bar, (H - B) - y(*m.frt_median_min), HtmlEscape(t[i].label).c_str(),
        *m.frt_median_min, m.frt_mean_min.value_or(0), m.frt_p90_min.value_or(0));
    if (m.frt_p90_min) {
      Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"p90\"/>", x(i) - bar / 2, x(i) + bar / 2,
          y(*m.frt_p90_min), y(*m.frt_p90_min));
    }
  }
  Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">&#9632; median first response &#160; &#9472; p90</text>", L,
      H - 6);
  *out += "</svg>\n";
}

// One dot per period: median first response (x) against the negative share (y).
void SpeedScatter(std::string* out, const Report& r) {
  double max_min = 0, max_share = 0;
  for (const auto& p : r.trend) {
    if (!p.related.frt_median_min || p.counts.scored() == 0) continue;
    max_min = std::max(max_min, *p.related.frt_median_min);
    max_share = std::max(max_share, p.counts.NegativeShare());
  }
  if (max_min <= 0) return;
  const double W = 420, H = 260, L = 52, R = 12, T = 12, B = 40;
  const double top = ShareTop(max_share), right = max_min * 1.1;
  auto x = [&](double v) { return L + (W - L - R) * v / right; };
  auto y = [&](double s) { return (H - B) - (H - B - T) * s / top; };
  Put(out, "<svg viewBox=\"0 0 %.0f %.0f\" class=\"half\" role=\"img\" aria-label=\"First response time against "
           "negative share\">", W, H);
  BandZones(out, L, W - R, H - B, T, top);
  for (double g = 0; g <= top + 1e-9; g += 0.1) {
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%.0f%%</text>", L - 6, y(g) + 4, 100 * g);
  }
  for (int g = 0; g <= 4; ++g) {
    const double v = right * g / 4;
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%.0f</text>", x(v), H - B + 14, v);
  }
  Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">median first response (minutes)</text>",
      (L + W - R) / 2, H - 8);
  for (const auto& p : r.trend) {
    if (!p.related.frt_median_min || p.counts.scored() == 0) continue;
    Put(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" class=\"dot\"><title>%s: median %.0f min, %s negative</title>"
             "</circle>",
        x(*p.related.frt_median_min), y(p.counts.NegativeShare()), HtmlEscape(p.label).c_str(), *p.related.frt_median_min,
        Pct(p.counts.NegativeShare()).c_str());
  }
  *out += "</svg>\n";
}

// Segments of one dimension: the negative share with its 95% interval,
// against the band zones and the overall share.
void SegmentChart(std::string* out, const Report& r, const std::string& dimension) {
  std::vector<const SegmentStats*> rows;
  for (const auto& s : r.segments) {
    if (s.dimension == dimension && s.counts.scored() > 0) rows.push_back(&s);
  }
  if (rows.empty()) return;
  std::sort(rows.begin(), rows.end(), [](const SegmentStats* a, const SegmentStats* b) {
    return a->counts.NegativeShare() > b->counts.NegativeShare();
  });
  if (rows.size() > 25) rows.resize(25);
  double max_share = r.overall.NegativeShare();
  for (const auto* s : rows) max_share = std::max(max_share, s->negative_interval.high);
  const double top = ShareTop(max_share);
  const double W = 860, L = 190, R = 150, T = 8, row_h = 26;
  const double H = T + row_h * static_cast<double>(rows.size()) + 28;
  auto x = [&](double s) { return L + (W - L - R) * s / top; };
  Put(out, "<h3>By %s</h3>\n", HtmlEscape(dimension).c_str());
  Put(out, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Negative share by %s with 95%% intervals\">", W, H,
      HtmlEscape(dimension).c_str());
  for (int b = 0; b < 4; ++b) {
    const double lo = kBandEdges[b], hi = b == 3 ? top : std::min(top, kBandEdges[b + 1]);
    if (lo >= top) break;
    Put(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x(lo), T, x(hi) - x(lo),
        H - T - 28, kBandFill[b]);
  }
  for (double g = 0; g <= top + 1e-9; g += 0.1) {
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%.0f%%</text>", x(g), H - 12, 100 * g);
  }
  const double all = r.overall.NegativeShare();
  Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"overall\"><title>all conversations: %s"
           "</title></line>",
      x(all), x(all), T, H - 28, Pct(all).c_str());
  for (size_t i = 0; i < rows.size(); ++i) {
    const SegmentStats& s = *rows[i];
    const double cy = T + row_h * (static_cast<double>(i) + 0.5);
    const char* cls = s.pocket ? "seg pocket" : "seg";
    std::string name = s.value.size() > 26 ? s.value.substr(0, 25) + "…" : s.value;
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"end\">%s</text>", L - 8, cy + 4, cls,
        HtmlEscape(name).c_str());
    Put(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ci%s\"/>", x(s.negative_interval.low),
        x(s.negative_interval.high), cy, cy, s.pocket ? " pocket" : "");
    Put(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" class=\"dot%s\"><title>%s = %s: %s negative, 95%% interval "
             "%s to %s, %lld scored%s</title></circle>",
        x(s.counts.NegativeShare()), cy, s.pocket ? " pocket" : "", HtmlEscape(s.dimension).c_str(),
        HtmlEscape(s.value).c_str(), Pct(s.counts.NegativeShare()).c_str(), Pct(s.negative_interval.low).c_str(),
        Pct(s.negative_interval.high).c_str(), static_cast<long long>(s.counts.scored()),
        s.pocket ? "; significantly worse than the rest" : "");
    Put(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">%s of %lld%s</text>", W - R + 10, cy + 4, cls,
        Pct(s.counts.NegativeShare(), 0).c_str(), static_cast<long long>(s.counts.scored()),
        s.pocket ? " · pocket" : "");
  }
  *out += "</svg>\n";
}

std::string Opt(const std::optional<double>& v, const char* fmt) {
  if (!v) return "–";
  char buf[32];
  std::snprintf(buf, sizeof(buf), fmt, *v);
  return buf;
}

void RelatedTable(std::string* out, const Report& r) {
  *out += "<table><thead><tr><th>period</th><th>scored</th><th>negative</th><th>net score</th><th>mean /5</th>"
          "<th>CSAT</th><th>NPS</th><th>first response median</th><th>p90</th><th>escalated</th><th>reopened</th>"
          "<th>method</th></tr></thead><tbody>\n";
  auto row = [&](const std::string& label, const ToneCounts& c, const RelatedMetrics& m, const std::string& method,
                 bool change) {
    Put(out, "<tr%s><td>%s</td><td>%lld</td><td>%s %s</td><td>%+.2f</td><td>%.2f</td>", change ? " class=\"change\"" : "",
        HtmlEscape(label).c_str(), static_cast<long long>(c.scored()), Pct(c.NegativeShare()).c_str(),
        BandChip(c.NegativeShare()).c_str(), c.NetScore(), c.MeanScore5());
    Put(out, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f%%</td><td>%.1f%%</td><td>%s</td></tr>\n",
        Opt(m.csat, "%.0f").c_str(), Opt(m.nps, "%+.0f").c_str(), Opt(m.frt_median_min, "%.0f min").c_str(),
        Opt(m.frt_p90_min, "%.0f min").c_str(), m.escalation_rate, m.reopen_rate, HtmlEscape(method).c_str());
  };
  for (const auto& p : r.trend) {
    std::string method;
    for (const auto& [m, n] : p.models) method += (method.empty() ? "" : " + ") + m;
    row(p.label, p.counts, p.related, method + (p.method_change ? " ◀ change" : ""), p.method_change);
  }
  row("all", r.overall, r.related, "", false);
  *out += "</tbody></table>\n";
}

const char kStyle[] = R"css(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:900px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:32px 0 6px} h3{font-size:15px;margin:18px 0 4px;color:#444}
.sub{color:#59636e;margin:0 0 16px} .card{background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:16px 18px;margin:12px 0}
.kpis{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-end} .kpi b{display:block;font-size:30px;line-height:1.1}
.kpi span{color:#59636e;font-size:13px} .chip{border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;white-space:nowrap}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;margin:14px 0 4px}
.bar i{display:block} .neg{background:#d1453b} .neu{background:#b9bfc7} .pos{background:#3a9a5b}
.say{font-size:16px;margin:10px 0 0} .note{color:#59636e;font-size:13px}
svg{width:100%;height:auto;display:block;margin:6px 0} svg.half{max-width:430px}
.grid{stroke:#00000014} .axis{font-size:11px;fill:#59636e} .zone{font-size:10px;text-anchor:end;opacity:.9}
.negative{fill:none;stroke:#b3261e;stroke-width:2.5} .neutral{fill:none;stroke:#6e7781;stroke-width:1.8;stroke-dasharray:5 4}
.dot{fill:#b3261e;stroke:#fff;stroke-width:1.5} .dot.pocket{fill:#b3261e} .legend{font-size:12px;fill:#444}
.lneg{fill:#b3261e} .lneu{fill:#6e7781} .method{stroke:#5b3cc4;stroke-width:2;stroke-dasharray:4 3}
.methodlabel{font-size:11px;fill:#5b3cc4;font-weight:600} .frt{fill:#7d93b2} .p90{stroke:#2f4b73;stroke-width:2}
.seg{font-size:12px;fill:#1f2328} .seg.pocket{fill:#b3261e;font-weight:700} .ci{stroke:#59636e;stroke-width:3;stroke-linecap:round}
.ci.pocket{stroke:#b3261e} .overall{stroke:#1f2328;stroke-dasharray:3 3}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff} th,td{padding:5px 7px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child{text-align:left} th{color:#59636e;font-weight:600} tr.change td{background:#f1edff}
table.tree td{text-align:right;white-space:nowrap} table.tree td:first-child{text-align:left;white-space:normal} tr.root td{font-weight:700;background:#f6f7f9}
tr.branch td{font-weight:600} tr.strong td:first-child{color:#b3261e;font-weight:700} .up{color:#b3261e;font-weight:600}
.down{color:#1e7b34;font-weight:600} .flat{color:#59636e} small{color:#59636e}
dl{font-size:13px} dt{font-weight:600;margin-top:8px} dd{margin:0 0 0 14px;color:#444}
)css";

}  // namespace

std::string ReportToHtml(const Report& r, const std::string& sections) {
  std::string out;
  const ToneCounts& c = r.overall;
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>Customer sentiment report</title><style>";
  out += kStyle;
  out += "</style></head><body><main>\n<h1>How customers feel in support conversations</h1>\n";
  std::string scope = r.scope;
  for (const auto& [k, v] : r.where) scope += ", " + k + " = " + v;
  std::string first = r.trend.empty() ? "" : r.trend.front().label, last = r.trend.empty() ? "" : r.trend.back().label;
  Put(&out, "<p class=\"sub\">%s%s%s%s</p>\n", HtmlEscape(scope).c_str(), first.empty() ? "" : "; ",
      HtmlEscape(first).c_str(), first == last ? "" : (" to " + HtmlEscape(last)).c_str());

  out += "<section class=\"card\"><div class=\"kpis\">";
  Put(&out, "<div class=\"kpi\"><b>%s</b><span>of conversations negative %s</span></div>",
      Pct(c.NegativeShare()).c_str(), BandChip(c.NegativeShare()).c_str());
  Put(&out, "<div class=\"kpi\"><b>%+.2f</b><span>net score (positive − negative) / scored</span></div>", c.NetScore());
  Put(&out, "<div class=\"kpi\"><b>%.2f</b><span>mean on the 1–5 scale</span></div>", c.MeanScore5());
  Put(&out, "<div class=\"kpi\"><b>%lld</b><span>conversations scored</span></div>", static_cast<long long>(c.scored()));
  out += "</div>";
  Put(&out, "<div class=\"bar\" role=\"img\" aria-label=\"%s negative, %s neutral, %s positive\"><i class=\"neg\" "
            "style=\"width:%.2f%%\"></i><i class=\"neu\" style=\"width:%.2f%%\"></i><i class=\"pos\" "
            "style=\"width:%.2f%%\"></i></div>",
      Pct(c.NegativeShare()).c_str(), Pct(c.NeutralShare()).c_str(), Pct(c.PositiveShare()).c_str(),
      100 * c.NegativeShare(), 100 * c.NeutralShare(), 100 * c.PositiveShare());
  Put(&out, "<div class=\"note\">negative %s · neutral %s · positive %s</div>", Pct(c.NegativeShare()).c_str(),
      Pct(c.NeutralShare()).c_str(), Pct(c.PositiveShare()).c_str());
  if (r.estimate) {
    const ShareEstimate& e = *r.estimate;
    const Band other = BandOf(e.interval[0].low) == e.band ? BandOf(e.interval[0].high) : BandOf(e.interval[0].low);
    Put(&out, "<p class=\"say\"><b>Checked by people:</b> %lld conversations drawn at random and labelled put the "
              "true negative share at %s (95%% interval %s to %s): %s%s. Model and people agree on %s of them.</p>",
        static_cast<long long>(e.labels), Pct(e.share[0]).c_str(), Pct(e.interval[0].low).c_str(),
        Pct(e.interval[0].high).c_str(), BandChip(e.share[0]).c_str(),
        e.band_certain ? "" : ("; could be " + std::string(BandName(other))).c_str(), Pct(e.agreement, 0).c_str());
  } else {
    Put(&out, "<p class=\"say\"><b>Not checked by people yet:</b> about %lld conversations drawn at random and "
              "labelled (<code>convsent audit sample</code>) would give the true negative share within 3 points.</p>",
        static_cast<long long>(r.audit_labels_for_3_points));
  }
  Put(&out, "<p class=\"say\"><b>Trend:</b> %s.</p>", HtmlEscape(r.direction).c_str());
  if (r.drift_flagged) {
    Put(&out, "<p class=\"say\"><b>Drift toward neutral:</b> %s of conversations were neutral in the last periods "
              "against %s before (p=%.2g). Customers may be saying less, not feeling better.</p>",
        Pct(r.drift_recent).c_str(), Pct(r.drift_earlier).c_str(), r.drift_p);
  }
  int pockets = 0;
  for (const auto& s : r.segments) pockets += s.pocket;
  if (pockets > 0) {
    out += "<p class=\"say\"><b>Where it hurts:</b> ";
    int k = 0;
    for (const auto& s : r.segments) {
      if (!s.pocket) continue;
      Put(&out, "%s%s = %s (%s negative)", k++ ? "; " : "", HtmlEscape(s.dimension).c_str(), HtmlEscape(s.value).c_str(),
          Pct(s.counts.NegativeShare(), 0).c_str());
    }
    out += ".</p>";
  }
  out += "</section>\n";

  Put(&out, "<h2>Negative share per %s</h2>\n<p class=\"note\">The coloured zones are the bands: strong under 10%%, "
            "healthy 10–20%%, strained 20–35%%, at risk over 35%%. A violet line marks a change of scoring method: "
            "figures on either side were measured differently.</p>\n",
      r.period == Period::kDay ? "day" : "week");
  TrendChart(&out, r);
  out += "<h2>Speed beside mood</h2>\n";
  Put(&out, "<p class=\"note\">First response time per period, and each period's median first response against its "
            "negative share. Correlation across periods: r = %+.2f.</p>\n",
      r.frt_negative_correlation);
  SpeedChart(&out, r);
  SpeedScatter(&out, r);

  out += "<h2>Segments</h2>\n<p class=\"note\">Each dot is a segment's negative share; the bar is its 95% interval "
         "(Wilson). The dashed line is all conversations. Red marks a pocket: significantly worse than the rest "
         "after correcting for the number of segments compared.</p>\n";
  std::vector<std::string> dims;
  for (const auto& s : r.segments) {
    if (std::find(dims.begin(), dims.end(), s.dimension) == dims.end()) dims.push_back(s.dimension);
  }
  for (const char* preferred : {"channel", "topic", "team", "agent", "tag"}) {
    if (std::find(dims.begin(), dims.end(), preferred) != dims.end()) SegmentChart(&out, r, preferred);
  }
  for (const auto& d : dims) {
    if (d != "channel" && d != "topic" && d != "team" && d != "agent" && d != "tag") SegmentChart(&out, r, d);
  }

  out += "<h2>Per period, with the related metrics</h2>\n";
  RelatedTable(&out, r);

  out += sections;
  std::string models;
  for (const auto& [m, n] : r.models) models += (models.empty() ? "" : ", ") + m + " (" + std::to_string(n) + ")";
  out += "<h2>How this was measured</h2>\n<dl>";
  Put(&out, "<dt>Method</dt><dd>%s. Every message scored by the model; a conversation's tone is its customer messages "
            "pooled with more weight toward the end. No human labels were used.</dd>",
      HtmlEscape(models).c_str());
  out += "<dt>Scope</dt><dd>" + HtmlEscape(scope) + ".</dd>";
  out += "<dt>Net score</dt><dd>(positive − negative) / scored conversations, from −1 to +1.</dd>"
         "<dt>Band</dt><dd>On the share of negative conversations: strong &lt; 10%, healthy 10–20%, strained 20–35%, "
         "at risk &gt; 35%.</dd>"
         "<dt>Trend</dt><dd>The last period against the one before, two-proportion test.</dd>"
         "<dt>Sentiment is not satisfaction</dt><dd>It measures tone. Read it beside CSAT and NPS.</dd></dl>\n";
  out += "</main></body></html>\n";
  return out;
}

}  // namespace convsent

package io.weft.status;

import io.weft.status.AppStatusStore.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a stage's task attempts on a time line as an SVG rendered on the server (the pages' Content-Security-Policy
 * allows no script and no inline style, so colours are SVG presentation attributes): x is time from the first
 * attempt's launch to the last one's end; each executor's attempts are packed greedily, in launch order, into as
 * few rows ("slots") as never overlap; each attempt is a bar split by phase (deserialization, shuffle read,
 * compute, shuffle write, result serialization, and the launch and report overhead the driver saw around the run).
 * Failed attempts are outlined red, killed ones grey, running ones dashed. Every text from an event is escaped.
 * Pure and stateless: called on an HTTP thread with a snapshot.
 */
final class TaskTimeline {

    /** Attempts drawn at most; the page says when it shows only the first ones. */
    static final int MAX_BARS = 2000;

    static final int LABEL_W = 150;
    static final int PLOT_W = 900;
    static final int ROW_H = 14;
    static final int ROW_GAP = 3;
    static final int AXIS_H = 18;

    /** The phases in drawing order, with their colours and names (also the legend). */
    static final String[][] PHASES = {
        {"deserialize", "#8e6bbf", "deserialization"},
        {"shuffle-read", "#e08a2e", "shuffle read"},
        {"compute", "#3c7dc4", "compute"},
        {"shuffle-write", "#d6b43a", "shuffle write"},
        {"result", "#4caf6a", "result serialization"},
        {"overhead", "#b8b8b8", "launch and report"},
    };

    private TaskTimeline() {
    }

    /**
     * @param tasks a stage's retained attempts, in launch order
     * @param nowMillis where running attempts end (the application's end, or now)
     * @return an HTML fragment: a heading, the SVG and its legend; empty when no attempt launched
     */
    static String html(List<TaskInfo> tasks, long nowMillis) {
        if (tasks.isEmpty()) {
            return "";
        }
        List<TaskInfo> shown = tasks.size() > MAX_BARS ? tasks.subList(0, MAX_BARS) : tasks;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (TaskInfo t : shown) {
            start = Math.min(start, t.launchMillis());
            end = Math.max(end, endOf(t, nowMillis));
        }
        long span = Math.max(1, end - start);
        double scale = (double) PLOT_W / span;
        Map<String, List<Long>> slotEnds = new LinkedHashMap<>();
        List<int[]> placement = new ArrayList<>(shown.size());
        for (TaskInfo t : shown) {
            List<Long> ends = slotEnds.computeIfAbsent(t.executorId(), id -> new ArrayList<>());
            int slot = 0;
            while (slot < ends.size() && ends.get(slot) > t.launchMillis()) {
                slot++;
            }
            if (slot == ends.size()) {
                ends.add(endOf(t, nowMillis));
            } else {
                ends.set(slot, endOf(t, nowMillis));
            }
            placement.add(new int[] {slot});
        }
        Map<String, Integer> firstRow = new LinkedHashMap<>();
        int rows = 0;
        for (Map.Entry<String, List<Long>> e : slotEnds.entrySet()) {
            firstRow.put(e.getKey(), rows);
            rows += e.getValue().size();
        }
        int height = AXIS_H + rows * (ROW_H + ROW_GAP) + 4;
        int width = LABEL_W + PLOT_W + 10;
        StringBuilder svg = new StringBuilder(256 + shown.size() * 400);
        svg.append("<h2>Task timeline</h2><p>");
        if (shown.size() < tasks.size()) {
            svg.append("Showing the first ").append(shown.size()).append(" of ").append(tasks.size())
                    .append(" attempts. ");
        }
        svg.append(shown.size()).append(" attempts on ").append(rows).append(" executor slots over ")
                .append(span).append(" ms.</p>");
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" id=\"task-timeline\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" data-rows=\"").append(rows)
                .append("\" role=\"img\" aria-label=\"task timeline\">");
        axis(svg, span, height);
        for (Map.Entry<String, List<Long>> e : slotEnds.entrySet()) {
            for (int slot = 0; slot < e.getValue().size(); slot++) {
                int y = AXIS_H + (firstRow.get(e.getKey()) + slot) * (ROW_H + ROW_GAP);
                svg.append("<text class=\"row-label\" x=\"4\" y=\"").append(y + ROW_H - 3)
                        .append("\" font-size=\"11\">").append(StatusPage.escape(shorten(e.getKey())))
                        .append(" #").append(slot).append("<title>executor ").append(StatusPage.escape(e.getKey()))
                        .append(", slot ").append(slot).append("</title></text>");
            }
        }
        for (int i = 0; i < shown.size(); i++) {
            TaskInfo t = shown.get(i);
            int y = AXIS_H + (firstRow.get(t.executorId()) + placement.get(i)[0]) * (ROW_H + ROW_GAP);
            bar(svg, t, LABEL_W + (t.launchMillis() - start) * scale, y, scale, nowMillis);
        }
        svg.append("</svg>");
        legend(svg);
        return svg.toString();
    }

    static long endOf(TaskInfo t, long nowMillis) {
        return t.status().equals("RUNNING") ? Math.max(t.launchMillis(), nowMillis)
                : t.launchMillis() + t.durationMillis();
    }

    private static void bar(StringBuilder svg, TaskInfo t, double x, int y, double scale, long nowMillis) {
        long duration = endOf(t, nowMillis) - t.launchMillis();
        double width = Math.max(1, duration * scale);
        svg.append("<g class=\"attempt\"><title>").append(tooltip(t, duration)).append("</title>");
        if (!t.status().equals("RUNNING")) {
            long[] micros = phaseMicros(t);
            long total = 0;
            for (long m : micros) {
                total += m;
            }
            double at = x;
            for (int p = 0; p < micros.length && total > 0; p++) {
                double w = width * micros[p] / total;
                if (w > 0) {
                    svg.append("<rect class=\"phase ").append(PHASES[p][0]).append("\" x=\"").append(fmt(at))
                            .append("\" y=\"").append(y).append("\" width=\"").append(fmt(w)).append("\" height=\"")
                            .append(ROW_H).append("\" fill=\"").append(PHASES[p][1]).append("\"/>");
                    at += w;
                }
            }
        }
        String stroke = switch (t.status()) {
            case "SUCCESS" -> "#2b4f7a\" stroke-width=\"0.5";
            case "RUNNING" -> "#3c7dc4\" stroke-dasharray=\"3,2";
            case "KILLED" -> "#777\" stroke-width=\"2";
            default -> "#c00\" stroke-width=\"2";
        };
        svg.append("<rect class=\"bar ").append(StatusPage.escape(t.status())).append("\" x=\"").append(fmt(x))
                .append("\" y=\"").append(y).append("\" width=\"").append(fmt(width)).append("\" height=\"")
                .append(ROW_H).append("\" fill=\"none\" stroke=\"").append(stroke).append("\"/></g>");
    }

    /** @return microseconds per phase, in {@link #PHASES} order; compute is what the measured phases leave */
    static long[] phaseMicros(TaskInfo t) {
        TaskPhases p = t.phases() == null ? TaskPhases.NONE : t.phases();
        long overhead = Math.max(0, t.durationMillis() - t.runMillis()) * 1000;
        return new long[] {p.deserializeMicros(), p.shuffleReadMicros(), p.computeMicros(t.runMillis()),
            p.shuffleWriteMicros(), p.resultMicros(), overhead};
    }

    private static String tooltip(TaskInfo t, long duration) {
        StringBuilder tip = new StringBuilder(160);
        tip.append("task ").append(t.taskId()).append(", partition ").append(t.partition()).append(", attempt ")
                .append(t.stageAttempt()).append('.').append(t.attempt()).append(", executor ")
                .append(StatusPage.escape(t.executorId())).append(", ").append(StatusPage.escape(t.status()))
                .append(", ").append(duration).append(" ms");
        if (!t.status().equals("RUNNING")) {
            long[] micros = phaseMicros(t);
            for (int p = 0; p < micros.length; p++) {
                tip.append("\n").append(PHASES[p][2]).append(": ").append(fmt(micros[p] / 1000.0)).append(" ms");
            }
        }
        return tip.toString();
    }

    private static void axis(StringBuilder svg, long span, int height) {
        for (int i = 0; i <= 4; i++) {
            double x = LABEL_W + PLOT_W * i / 4.0;
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(AXIS_H - 4).append("\" x2=\"")
                    .append(fmt(x)).append("\" y2=\"").append(height).append("\" stroke=\"#ddd\"/>")
                    .append("<text x=\"").append(fmt(x)).append("\" y=\"11\" font-size=\"10\" text-anchor=\"")
                    .append(i == 4 ? "end" : i == 0 ? "start" : "middle").append("\">+")
                    .append(span * i / 4).append(" ms</text>");
        }
    }

    private static void legend(StringBuilder html) {
        html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"legend\" width=\"")
                .append(PHASES.length * 150).append("\" height=\"20\" role=\"img\" aria-label=\"legend\">");
        for (int p = 0; p < PHASES.length; p++) {
            html.append("<rect x=\"").append(p * 150).append("\" y=\"4\" width=\"12\" height=\"12\" fill=\"")
                    .append(PHASES[p][1]).append("\"/><text x=\"").append(p * 150 + 16)
                    .append("\" y=\"14\" font-size=\"11\">").append(PHASES[p][2]).append("</text>");
        }
        html.append("</svg>");
    }

    static String shorten(String id) {
        return id.length() > 18 ? id.substring(0, 17) + "…" : id;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

package io.weft.status;

import io.weft.status.AppStatusStore.ExecutorInfo;
import io.weft.status.AppStatusStore.TaskInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the application's executors over time as an SVG rendered on the server: one row per executor from its
 * registration to its removal (or the application's end, or now), with the periods when at least one of its tasks
 * ran shaded, so an executor that sat idle shows as an empty row. The row's tooltip gives how busy it was. Pure and
 * stateless: called on an HTTP thread with snapshots; every text from an event is escaped.
 */
final class ExecutorTimeline {

    /** Task attempts considered at most (the most recent stages' first). */
    static final int MAX_TASKS = 20_000;

    private static final int ROW_H = 16;
    private static final int ROW_GAP = 4;

    private ExecutorTimeline() {
    }

    /**
     * @param appStartMillis where the time line starts
     * @param nowMillis where it ends: the application's end, or now
     * @param executors every executor the application had
     * @param tasks retained task attempts, any order
     * @return an HTML fragment: a heading and the SVG; empty without executors
     */
    static String html(long appStartMillis, long nowMillis, List<ExecutorInfo> executors, List<TaskInfo> tasks) {
        if (executors.isEmpty()) {
            return "";
        }
        long start = appStartMillis > 0 ? appStartMillis : Long.MAX_VALUE;
        long end = nowMillis;
        for (ExecutorInfo e : executors) {
            start = Math.min(start, e.addedMillis());
            end = Math.max(end, e.removedMillis());
        }
        Map<String, List<long[]>> busy = new HashMap<>();
        for (TaskInfo t : tasks) {
            long taskEnd = TaskTimeline.endOf(t, nowMillis);
            busy.computeIfAbsent(t.executorId(), id -> new ArrayList<>()).add(new long[] {t.launchMillis(), taskEnd});
            start = Math.min(start, t.launchMillis());
            end = Math.max(end, taskEnd);
        }
        long span = Math.max(1, end - start);
        double scale = (double) TaskTimeline.PLOT_W / span;
        int height = TaskTimeline.AXIS_H + executors.size() * (ROW_H + ROW_GAP) + 4;
        StringBuilder svg = new StringBuilder(512 + executors.size() * 300 + tasks.size() * 80);
        svg.append("<h2>Executors over time</h2><p>").append(executors.size()).append(" executors over ")
                .append(span).append(" ms; shaded where tasks ran.</p>")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" id=\"executor-timeline\"")
                .append(" width=\"").append(TaskTimeline.LABEL_W + TaskTimeline.PLOT_W + 10).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"executors over time\">");
        for (int i = 0; i <= 4; i++) {
            double x = TaskTimeline.LABEL_W + TaskTimeline.PLOT_W * i / 4.0;
            svg.append("<line x1=\"").append(TaskTimeline.fmt(x)).append("\" y1=\"").append(TaskTimeline.AXIS_H - 4)
                    .append("\" x2=\"").append(TaskTimeline.fmt(x)).append("\" y2=\"").append(height)
                    .append("\" stroke=\"#ddd\"/><text x=\"").append(TaskTimeline.fmt(x))
                    .append("\" y=\"11\" font-size=\"10\" text-anchor=\"")
                    .append(i == 4 ? "end" : i == 0 ? "start" : "middle").append("\">+").append(span * i / 4)
                    .append(" ms</text>");
        }
        for (int row = 0; row < executors.size(); row++) {
            ExecutorInfo e = executors.get(row);
            long from = e.addedMillis();
            long to = e.removedMillis() != 0 ? e.removedMillis() : end;
            List<long[]> periods = merge(busy.getOrDefault(e.executorId(), List.of()));
            long busyMillis = 0;
            for (long[] p : periods) {
                busyMillis += p[1] - p[0];
            }
            int y = TaskTimeline.AXIS_H + row * (ROW_H + ROW_GAP);
            long life = Math.max(1, to - from);
            svg.append("<g class=\"executor\"><title>executor ").append(StatusPage.escape(e.executorId()))
                    .append(" on ").append(StatusPage.escape(e.host())).append(", ").append(e.cores())
                    .append(" cores, ").append(StatusPage.escape(e.status())).append(", alive ").append(to - from)
                    .append(" ms, busy ").append(busyMillis).append(" ms (").append(100 * busyMillis / life)
                    .append("%)</title><text x=\"4\" y=\"").append(y + ROW_H - 4).append("\" font-size=\"11\">")
                    .append(StatusPage.escape(TaskTimeline.shorten(e.executorId()))).append("</text>")
                    .append("<rect class=\"lifetime\" x=\"")
                    .append(TaskTimeline.fmt(TaskTimeline.LABEL_W + (from - start) * scale)).append("\" y=\"")
                    .append(y).append("\" width=\"").append(TaskTimeline.fmt(Math.max(1, (to - from) * scale)))
                    .append("\" height=\"").append(ROW_H).append("\" fill=\"#f4f4f4\" stroke=\"")
                    .append(e.removedMillis() != 0 ? "#c88" : "#999").append("\"/>");
            for (long[] p : periods) {
                svg.append("<rect class=\"busy\" x=\"")
                        .append(TaskTimeline.fmt(TaskTimeline.LABEL_W + (p[0] - start) * scale)).append("\" y=\"")
                        .append(y + 2).append("\" width=\"")
                        .append(TaskTimeline.fmt(Math.max(0.5, (p[1] - p[0]) * scale))).append("\" height=\"")
                        .append(ROW_H - 4).append("\" fill=\"#3c7dc4\"/>");
            }
            svg.append("</g>");
        }
        return svg.append("</svg>").toString();
    }

    /** @return the union of the intervals, sorted and disjoint */
    static List<long[]> merge(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong(i -> i[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] i : sorted) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && i[0] <= last[1]) {
                last[1] = Math.max(last[1], i[1]);
            } else {
                out.add(new long[] {i[0], i[1]});
            }
        }
        return out;
    }
}

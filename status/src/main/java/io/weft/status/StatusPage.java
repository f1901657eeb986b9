package io.weft.status;

import io.weft.status.AppStatusStore.ApplicationInfo;
import io.weft.status.AppStatusStore.ExecutorInfo;
import io.weft.status.AppStatusStore.JobInfo;
import io.weft.status.AppStatusStore.StageDetail;
import io.weft.status.AppStatusStore.StageInfo;
import io.weft.status.AppStatusStore.TaskInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the status pages as plain HTML with relative links (they must work under the ResourceManager proxy's
 * path), no scripts and no inline styles (the style sheet is a separate resource, so the pages' Content Security
 * Policy can forbid both). Running applications' pages reload themselves every few seconds. Every value that
 * comes from an event log or an executor goes through {@link #escape} (text and attributes) and every link built
 * from such a value through {@link #linkTarget} (http and https only).
 */
final class StatusPage {

    /** The pages' style sheet, relative to an application's root (served by {@link UiServer}). */
    static final String STYLESHEET = "static/weft.css";

    private StatusPage() {
    }

    private static StringBuilder head(ApplicationInfo app, String title, String root) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">");
        if (app.endMillis() == 0) {
            html.append("<meta http-equiv=\"refresh\" content=\"3\">");
        }
        html.append("<title>").append(escape(title)).append(" - ").append(escape(app.name()))
                .append("</title><link rel=\"stylesheet\" href=\"").append(root).append(STYLESHEET)
                .append("\"></head><body><nav><a href=\"").append(root).append("\">Jobs</a><a href=\"")
                .append(root).append("executors\">Executors</a><a href=\"").append(root)
                .append("environment\">Environment</a></nav>");
        html.append("<h1>").append(escape(app.name())).append("</h1><p>Application <code>")
                .append(escape(app.id())).append("</code>: <span class=\"").append(escape(app.status()))
                .append("\">")
                .append(escape(app.status())).append("</span>, started ")
                .append(Instant.ofEpochMilli(app.startMillis()))
                .append(", ").append(duration(app.startMillis(), app.endMillis())).append(". Jobs: ")
                .append(app.jobs()).append(" (").append(app.activeJobs()).append(" running, ")
                .append(app.failedJobs()).append(" failed). Tasks: ").append(app.completedTasks())
                .append(" succeeded, ").append(app.failedTasks()).append(" failed. Shuffle: ")
                .append(bytes(app.shuffleBytesWritten())).append(" written, ").append(bytes(app.shuffleBytesRead()))
                .append(" read.</p><h2>").append(escape(title)).append("</h2>");
        return html;
    }

    static String jobs(ApplicationInfo app, List<JobInfo> jobs, List<StageInfo> stages) {
        StringBuilder html = head(app, "Jobs", "");
        html.append("<table><tr><th>Job</th><th>Action</th><th>Status</th><th>Duration</th><th>Stages</th></tr>");
        for (JobInfo job : jobs) {
            html.append("<tr><td><a href=\"jobs/").append(job.jobId()).append("\">").append(job.jobId())
                    .append("</a></td><td>").append(jobTitle(job)).append("</td><td class=\"")
                    .append(escape(job.status())).append("\">").append(escape(job.status()));
            if (job.error() != null) {
                html.append(": ").append(escape(job.error()));
            }
            html.append("</td><td>").append(duration(job.submittedMillis(), job.completedMillis()))
                    .append("</td><td>").append(job.stageIds()).append("</td></tr>");
        }
        html.append("</table><h2>Stages</h2>");
        stageTable(html, stages, "");
        return html.append("</body></html>").toString();
    }

    /** Spark's order: the description the program set, then the call site; the job group when there is one. */
    private static String jobTitle(JobInfo job) {
        String title = job.description() == null ? escape(job.name())
                : escape(job.description()) + "<br><small>" + escape(job.name()) + "</small>";
        return job.jobGroup() == null ? title : title + "<br><small>group " + escape(job.jobGroup()) + "</small>";
    }

    private static void stageTable(StringBuilder html, List<StageInfo> stages, String root) {
        html.append("<table><tr><th>Stage</th><th>Description</th><th>Status</th>")
                .append("<th>Tasks done / running / total</th><th>Failed attempts</th><th>Shuffle write</th>")
                .append("<th>Shuffle read</th><th>Duration</th></tr>");
        for (StageInfo stage : stages) {
            html.append("<tr><td><a href=\"").append(root).append("stages/").append(stage.stageId()).append("\">")
                    .append(stage.stageId()).append('.').append(stage.attempt()).append("</a></td><td>")
                    .append(escape(stage.name())).append("</td><td class=\"").append(escape(stage.status()))
                    .append("\">")
                    .append(escape(stage.status())).append("</td><td>").append(stage.completedTasks()).append(" / ")
                    .append(stage.runningTasks()).append(" / ").append(stage.numTasks()).append("</td><td>")
                    .append(stage.failedTasks()).append("</td><td>").append(bytes(stage.shuffleBytesWritten()))
                    .append("</td><td>").append(bytes(stage.shuffleBytesRead())).append("</td><td>")
                    .append(stage.submittedMillis() == 0 ? "" : duration(stage.submittedMillis(),
                            stage.completedMillis()))
                    .append("</td></tr>");
        }
        html.append("</table>");
    }

    static String job(ApplicationInfo app, JobInfo job, List<StageInfo> allStages) {
        StringBuilder html = head(app, "Job " + job.jobId() + ": " + job.name(), "../");
        List<StageInfo> stages = allStages.stream().filter(s -> job.stageIds().contains(s.stageId()))
                .sorted((a, b) -> Integer.compare(a.stageId(), b.stageId())).toList();
        html.append(StageGraph.svg(stages, "../"));
        stageTable(html, stages, "../");
        return html.append("</body></html>").toString();
    }

    static String stage(ApplicationInfo app, StageDetail detail) {
        StageInfo stage = detail.stage();
        StringBuilder html = head(app, "Stage " + stage.stageId() + ": " + stage.name(), "../");
        html.append("<p>Status <span class=\"").append(escape(stage.status())).append("\">")
                .append(escape(stage.status()))
                .append("</span>, attempt ").append(stage.attempt()).append(", ").append(stage.completedTasks())
                .append(" of ").append(stage.numTasks()).append(" tasks done, ").append(stage.failedTasks())
                .append(" failed attempts.");
        List<Long> p = detail.durationPercentiles();
        if (!p.isEmpty()) {
            html.append(" Task durations: min ").append(p.get(0)).append(" ms, 25th percentile ").append(p.get(1))
                    .append(" ms, median ").append(p.get(2)).append(" ms, 75th percentile ").append(p.get(3))
                    .append(" ms, max ").append(p.get(4)).append(" ms.");
        }
        html.append("</p>").append(TaskTimeline.html(detail.tasks(), now(app)));
        html.append("<h2>Tasks</h2><table><tr><th>Task</th><th>Partition</th><th>Attempt</th><th>Executor</th><th>Host</th>")
                .append("<th>Locality</th><th>Status</th><th>Duration</th><th>Run time</th><th>Input</th><th>Records read</th>")
                .append("<th>Records written</th>")
                .append("<th>Shuffle write</th><th>Shuffle read</th><th>Result</th><th>GC time</th><th>Spills</th>")
                .append("<th>Error</th></tr>");
        for (TaskInfo task : detail.tasks()) {
            html.append("<tr><td>").append(task.taskId()).append("</td><td>").append(task.partition())
                    .append("</td><td>").append(task.stageAttempt()).append('.').append(task.attempt())
                    .append("</td><td>").append(escape(task.executorId())).append("</td><td>")
                    .append(escape(task.host())).append("</td><td>")
                    .append(task.locality() == null ? "" : escape(String.valueOf(task.locality())))
                    .append("</td><td class=\"").append(escape(task.status())).append("\">")
                    .append(escape(task.status())).append("</td><td>").append(task.durationMillis())
                    .append(" ms</td><td>")
                    .append(task.runMillis()).append(" ms</td><td>").append(bytes(task.inputBytes()))
                    .append("</td><td>").append(task.recordsRead()).append("</td><td>").append(task.recordsWritten())
                    .append("</td><td>").append(bytes(task.shuffleBytesWritten())).append("</td><td>")
                    .append(bytes(task.shuffleBytesRead())).append("</td><td>").append(bytes(task.resultBytes()))
                    .append("</td><td>").append(task.gcMillis()).append(" ms</td><td>").append(task.spills())
                    .append("</td><td>");
            if (task.error() != null) {
                html.append("<pre>").append(escape(task.error())).append("</pre>");
            }
            html.append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    static String executors(ApplicationInfo app, List<ExecutorInfo> executors, List<TaskInfo> tasks) {
        StringBuilder html = head(app, "Executors", "");
        html.append(ExecutorTimeline.html(app.startMillis(), now(app), executors, tasks));
        html.append("<table><tr><th>Executor</th><th>Host</th><th>Container</th><th>Cores</th><th>Status</th>")
                .append("<th>Active tasks</th>")
                .append("<th>Succeeded</th><th>Failed</th><th>Shuffle write</th><th>Heap used / max</th>")
                .append("<th>GC time</th><th>Threads</th><th>Added</th><th>Removed</th></tr>");
        for (ExecutorInfo e : executors) {
            html.append("<tr><td>").append(escape(e.executorId())).append("</td><td>").append(escape(e.host()))
                    .append("</td><td>");
            if (e.containerId() != null) {
                html.append(escape(e.containerId()));
                String logs = linkTarget(e.logUrl());
                if (logs != null) {
                    html.append(" (<a href=\"").append(logs).append("\">logs</a>)");
                } else if (e.logUrl() != null) {
                    html.append(" (logs: ").append(escape(e.logUrl())).append(')');
                }
            }
            html.append("</td><td>").append(e.cores()).append("</td><td class=\"").append(escape(e.status()))
                    .append("\">").append(escape(e.status())).append("</td><td>").append(e.activeTasks())
                    .append("</td><td>")
                    .append(e.completedTasks()).append("</td><td>").append(e.failedTasks()).append("</td><td>")
                    .append(bytes(e.shuffleBytesWritten())).append("</td><td>")
                    .append(e.heapMax() == 0 ? "" : bytes(e.heapUsed()) + " / " + bytes(e.heapMax()))
                    .append("</td><td>").append(e.heapMax() == 0 ? "" : e.gcMillis() + " ms").append("</td><td>")
                    .append(e.heapMax() == 0 ? "" : String.valueOf(e.threads())).append("</td><td>")
                    .append(Instant.ofEpochMilli(e.addedMillis())).append("</td><td>");
            if (e.removedMillis() != 0) {
                html.append(Instant.ofEpochMilli(e.removedMillis())).append(": ").append(escape(e.removedReason()));
            }
            html.append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    static String environment(ApplicationInfo app, Map<String, String> settings) {
        StringBuilder html = head(app, "Environment", "");
        html.append("<table><tr><th>Setting</th><th>Value</th></tr>");
        settings.forEach((key, value) -> html.append("<tr><td><code>").append(escape(key))
                .append("</code></td><td><code>").append(escape(value)).append("</code></td></tr>"));
        return html.append("</table></body></html>").toString();
    }

    static String history(List<EventLogs.Summary> apps) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">")
                .append("<title>Weft history</title><link rel=\"stylesheet\" href=\"").append(STYLESHEET)
                .append("\"></head><body>")
                .append("<h1>Weft applications</h1><table><tr><th>Application</th><th>Name</th><th>Status</th>")
                .append("<th>Started</th><th>Duration</th><th>Jobs</th></tr>");
        for (EventLogs.Summary app : apps) {
            html.append("<tr><td><a href=\"history/").append(escape(app.id())).append("/\">").append(escape(app.id()))
                    .append("</a></td><td>").append(escape(app.name())).append("</td><td class=\"")
                    .append(escape(app.status())).append("\">")
                    .append(app.complete() ? escape(app.status()) : "INCOMPLETE")
                    .append("</td><td>").append(Instant.ofEpochMilli(app.startMillis())).append("</td><td>")
                    .append(app.endMillis() == 0 ? "" : duration(app.startMillis(), app.endMillis()))
                    .append("</td><td>").append(app.jobs()).append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    /** @return where running things end on a time line: the application's end, or now while it runs */
    static long now(ApplicationInfo app) {
        return app.endMillis() != 0 ? app.endMillis() : System.currentTimeMillis();
    }

    static String duration(long start, long end) {
        long millis = (end == 0 ? System.currentTimeMillis() : end) - start;
        return millis < 10_000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return n < 1024L * 1024 * 1024 ? String.format("%.1f MiB", n / 1048576.0)
                : String.format("%.2f GiB", n / 1073741824.0);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /**
     * @param url a link target from an event log or an executor, or null
     * @return the target escaped for an {@code href} attribute when it is an absolute http or https URL with a
     *     host; null for anything else ({@code javascript:}, {@code data:}, relative or malformed), which the
     *     caller shows as text
     */
    static String linkTarget(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme();
            boolean web = scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"));
            return web && uri.getHost() != null ? escape(uri.toASCIIString()) : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Depth of each stage in its job's graph: 0 for stages without parents in the job. */
    static Map<Integer, Integer> depths(List<StageInfo> stages) {
        Map<Integer, StageInfo> byId = new HashMap<>();
        stages.forEach(s -> byId.put(s.stageId(), s));
        Map<Integer, Integer> depth = new HashMap<>();
        for (StageInfo stage : stages) {
            depthOf(stage, byId, depth);
        }
        return depth;
    }

    private static int depthOf(StageInfo stage, Map<Integer, StageInfo> byId, Map<Integer, Integer> depth) {
        Integer known = depth.get(stage.stageId());
        if (known != null) {
            return known;
        }
        int d = 0;
        for (int parent : stage.parentIds()) {
            StageInfo p = byId.get(parent);
            if (p != null) {
                d = Math.max(d, depthOf(p, byId, depth) + 1);
            }
        }
        depth.put(stage.stageId(), d);
        return d;
    }
}

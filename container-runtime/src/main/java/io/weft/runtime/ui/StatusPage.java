package io.weft.runtime.ui;

import io.weft.runtime.ui.AppStatusStore.ApplicationInfo;
import io.weft.runtime.ui.AppStatusStore.JobInfo;
import io.weft.runtime.ui.AppStatusStore.StageInfo;
import java.time.Instant;
import java.util.List;

/** Renders the overview page: the application, its jobs and their stages, refreshed every few seconds. */
final class StatusPage {

    private StatusPage() {
    }

    static String render(ApplicationInfo app, List<JobInfo> jobs, List<StageInfo> stages) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"3\">")
                .append("<title>Weft: ").append(escape(app.name())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:2em}")
                .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#eee}")
                .append(".FAILED{color:#b00}.SUCCEEDED,.COMPLETE{color:#070}.RUNNING{color:#05a}")
                .append("</style></head><body>");
        html.append("<h1>").append(escape(app.name())).append("</h1><p>Application <code>")
                .append(escape(app.id())).append("</code>, started ").append(Instant.ofEpochMilli(app.startMillis()))
                .append(". Jobs: ").append(app.jobs()).append(" (").append(app.activeJobs()).append(" running, ")
                .append(app.failedJobs()).append(" failed). JSON: <a href=\"api/v1/jobs\">jobs</a>, ")
                .append("<a href=\"api/v1/stages\">stages</a>.</p>");
        html.append("<h2>Jobs</h2><table><tr><th>Job</th><th>Action</th><th>Status</th><th>Duration</th>")
                .append("<th>Stages</th></tr>");
        for (JobInfo job : jobs) {
            html.append("<tr><td>").append(job.jobId()).append("</td><td>").append(escape(job.name()))
                    .append("</td><td class=\"").append(job.status()).append("\">").append(job.status());
            if (job.error() != null) {
                html.append(": ").append(escape(job.error()));
            }
            html.append("</td><td>").append(duration(job.submittedMillis(), job.completedMillis()))
                    .append("</td><td>").append(job.stageIds()).append("</td></tr>");
        }
        html.append("</table><h2>Stages</h2><table><tr><th>Stage</th><th>Description</th><th>Status</th>")
                .append("<th>Tasks done / running / total</th><th>Failed attempts</th><th>Shuffle write</th>")
                .append("<th>Shuffle read</th><th>Duration</th></tr>");
        for (StageInfo stage : stages) {
            html.append("<tr><td>").append(stage.stageId()).append('.').append(stage.attempt()).append("</td><td>")
                    .append(escape(stage.name())).append("</td><td class=\"").append(stage.status()).append("\">")
                    .append(stage.status()).append("</td><td>").append(stage.completedTasks()).append(" / ")
                    .append(stage.runningTasks()).append(" / ").append(stage.numTasks()).append("</td><td>")
                    .append(stage.failedTasks()).append("</td><td>").append(stage.shuffleBytesWritten())
                    .append("</td><td>").append(stage.shuffleBytesRead()).append("</td><td>")
                    .append(stage.submittedMillis() == 0 ? "" : duration(stage.submittedMillis(),
                            stage.completedMillis()))
                    .append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    private static String duration(long start, long end) {
        long millis = (end == 0 ? System.currentTimeMillis() : end) - start;
        return millis < 10_000 ? millis + " ms" : (millis / 1000) + " s";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package io.weft.status;

import io.weft.status.AppStatusStore.StageInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a job's stages as an SVG graph, rendered on the server: one box per stage in columns by depth (a stage
 * sits right of every stage whose shuffle output it reads), an arrow per shuffle dependency, boxes coloured by
 * status and linked to the stage pages.
 */
final class StageGraph {

    private static final int BOX_W = 220;
    private static final int BOX_H = 56;
    private static final int GAP_X = 70;
    private static final int GAP_Y = 24;

    private StageGraph() {
    }

    static String svg(List<StageInfo> stages, String root) {
        Map<Integer, Integer> depth = StatusPage.depths(stages);
        Map<Integer, Integer> rowsUsed = new HashMap<>();
        Map<Integer, int[]> position = new HashMap<>();
        int maxDepth = 0;
        int maxRows = 0;
        for (StageInfo stage : stages) {
            int column = depth.get(stage.stageId());
            int row = rowsUsed.merge(column, 1, Integer::sum) - 1;
            position.put(stage.stageId(), new int[] {10 + column * (BOX_W + GAP_X), 10 + row * (BOX_H + GAP_Y)});
            maxDepth = Math.max(maxDepth, column);
            maxRows = Math.max(maxRows, row + 1);
        }
        int width = 20 + (maxDepth + 1) * BOX_W + maxDepth * GAP_X;
        int height = 20 + maxRows * BOX_H + (maxRows - 1) * GAP_Y;
        StringBuilder svg = new StringBuilder(2048);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dag\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"stage graph\">")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\"")
                .append(" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>");
        for (StageInfo stage : stages) {
            int[] to = position.get(stage.stageId());
            for (int parent : stage.parentIds()) {
                int[] from = position.get(parent);
                if (from != null) {
                    svg.append("<line x1=\"").append(from[0] + BOX_W).append("\" y1=\"").append(from[1] + BOX_H / 2)
                            .append("\" x2=\"").append(to[0]).append("\" y2=\"").append(to[1] + BOX_H / 2)
                            .append("\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>");
                }
            }
        }
        for (StageInfo stage : stages) {
            int[] at = position.get(stage.stageId());
            String fill = switch (stage.status()) {
                case "COMPLETE" -> "#dff0d8";
                case "RUNNING" -> "#d9edf7";
                default -> "#f5f5f5";
            };
            String label = stage.name().length() > 34 ? stage.name().substring(0, 33) + "…" : stage.name();
            svg.append("<a href=\"").append(root).append("stages/").append(stage.stageId()).append("\"><rect x=\"")
                    .append(at[0]).append("\" y=\"").append(at[1]).append("\" width=\"").append(BOX_W)
                    .append("\" height=\"").append(BOX_H).append("\" rx=\"6\" fill=\"").append(fill)
                    .append("\" stroke=\"#888\"/><text x=\"").append(at[0] + 8).append("\" y=\"").append(at[1] + 20)
                    .append("\" font-size=\"12\">Stage ").append(stage.stageId()).append(" · ")
                    .append(StatusPage.escape(stage.status())).append(" · ").append(stage.completedTasks()).append('/')
                    .append(stage.numTasks()).append("</text><text x=\"").append(at[0] + 8).append("\" y=\"")
                    .append(at[1] + 40).append("\" font-size=\"11\">").append(StatusPage.escape(label))
                    .append("</text><title>").append(StatusPage.escape(stage.name())).append("</title></rect></a>");
        }
        return svg.append("</svg>").toString();
    }
}

package io.weft.benchmarks.nn;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Formats {@link NameNodeOpsBench}'s rows: client RPC calls by kind, as a Markdown table. Stateless. */
final class OpsTable {

    private static final String HEADER = "| M | R | creates | renames | opens | deletes | listings | mkdirs | fileinfo "
            + "| addBlock+complete | setPermission | other | ops total | ops/M | ops/(M*R) | bytes/open "
            + "| DataNode block reports |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    private OpsTable() {
    }

    /**
     * @param calls counter differences from {@link NameNodeCounters}
     * @return the client RPC calls among them, by method (DataNode calls and activity counters left out)
     */
    static Map<String, Long> clientCalls(Map<String, Long> calls) {
        Map<String, Long> client = new TreeMap<>();
        calls.forEach((k, v) -> {
            // Overall*/Deferred*: the same calls again, timed from another point; not calls of their own.
            if (k.startsWith("rpc.") && !k.startsWith("rpc.Overall") && !k.startsWith("rpc.Deferred")
                    && !NameNodeCounters.DATANODE_METHODS.contains(k.substring(4))) {
                client.put(k.substring(4), v);
            }
        });
        return client;
    }

    /**
     * @param rows the measured shuffles
     * @return a Markdown table: a header and one {@link #line} per row
     */
    static String render(List<NameNodeOpsBench.Row> rows) {
        StringBuilder out = new StringBuilder(HEADER);
        for (NameNodeOpsBench.Row row : rows) {
            out.append('\n').append(line(row));
        }
        return out.toString();
    }

    /**
     * @param row one shuffle's calls (baseline subtracted) and the bytes its reducers read
     * @return its table row; "other" is every client call not in a named column
     */
    static String line(NameNodeOpsBench.Row row) {
        Map<String, Long> c = clientCalls(row.calls());
        long creates = get(c, "Create");
        long renames = get(c, "Rename") + get(c, "Rename2");
        long opens = get(c, "GetBlockLocations");
        long deletes = get(c, "Delete");
        long listings = get(c, "GetListing");
        long mkdirs = get(c, "Mkdirs");
        long fileInfo = get(c, "GetFileInfo");
        long blocks = get(c, "AddBlock") + get(c, "Complete");
        long setPermission = get(c, "SetPermission");
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        long other = total - creates - renames - opens - deletes - listings - mkdirs - fileInfo - blocks
                - setPermission;
        long dataNodeReports = row.calls().getOrDefault("rpc.BlockReceivedAndDeleted", 0L);
        double m = row.maps();
        return String.format("| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.2f | %.3f | %s"
                + " | %d |",
                row.maps(), row.reducers(), creates, renames, opens, deletes, listings, mkdirs, fileInfo, blocks,
                setPermission, other, total, total / m, total / (m * row.reducers()),
                opens == 0 ? "-" : String.valueOf(row.bytesRead() / opens), dataNodeReports);
    }

    private static long get(Map<String, Long> calls, String method) {
        return calls.getOrDefault(method, 0L);
    }
}

package io.weft.benchmarks.nn;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.metrics2.AbstractMetric;
import org.apache.hadoop.metrics2.MetricsCollector;
import org.apache.hadoop.metrics2.MetricsInfo;
import org.apache.hadoop.metrics2.MetricsRecordBuilder;
import org.apache.hadoop.metrics2.MetricsSource;
import org.apache.hadoop.metrics2.MetricsTag;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;

/**
 * Reads, in the NameNode's own JVM, how many calls of each RPC method its client port has served
 * ({@code RpcDetailedActivityForPort<port>}: {@code <Method>NumOps}) and the {@code NameNodeActivity} counters
 * ({@code CreateFileOps}, {@code GetBlockLocations}, ...). It asks the metric sources for a fresh snapshot rather
 * than going through JMX, whose attributes are cached for the metrics period (10 s by default) and would lag.
 *
 * <p>Counts are cumulative since the NameNode started: take a {@link #snapshot()} before and after the work and
 * subtract ({@link #minus}). Thread-safe as the metric sources are; call it from any thread.
 */
final class NameNodeCounters {

    /** DataNodeProtocol methods: the DataNodes' calls, not a client's. Reported apart from client calls. */
    static final Set<String> DATANODE_METHODS = Set.of("SendHeartbeat", "BlockReceivedAndDeleted", "BlockReport",
            "CacheReport", "RegisterDatanode", "VersionRequest", "ErrorReport", "ReportBadBlocks",
            "CommitBlockSynchronization", "SendLifeline");

    private final String rpcSource;

    /**
     * @param cluster a started cluster with one NameNode, in this JVM
     */
    NameNodeCounters(MiniDFSCluster cluster) {
        this.rpcSource = "RpcDetailedActivityForPort" + cluster.getNameNode().getNameNodeAddress().getPort();
    }

    /** @return RPC calls by method ({@code rpc.Create}, ...) and activity counters ({@code nn.CreateFileOps}, ...) */
    Map<String, Long> snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        collect(rpcSource, "rpc.", counts);
        collect("NameNodeActivity", "nn.", counts);
        return counts;
    }

    /**
     * @param after a later snapshot
     * @param before an earlier one
     * @return the non-zero differences
     */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                diff.put(k, d);
            }
        });
        return diff;
    }

    private static void collect(String sourceName, String prefix, Map<String, Long> into) {
        MetricsSource source = DefaultMetricsSystem.instance().getSource(sourceName);
        if (source == null) {
            throw new IllegalStateException("No metrics source " + sourceName + " in this JVM: is the NameNode of a"
                    + " MiniDFSCluster running here?");
        }
        source.getMetrics(new Collector(prefix, into), true);
    }

    /** Keeps counters only; for the RPC rates, the {@code <Method>NumOps} counters under the method's name. */
    private static final class Collector implements MetricsCollector {
        private final String prefix;
        private final Map<String, Long> into;

        Collector(String prefix, Map<String, Long> into) {
            this.prefix = prefix;
            this.into = into;
        }

        @Override
        public MetricsRecordBuilder addRecord(String name) {
            return new Record(this);
        }

        @Override
        public MetricsRecordBuilder addRecord(MetricsInfo info) {
            return new Record(this);
        }

        void counter(String name, long value) {
            String key = name.endsWith("NumOps") ? name.substring(0, name.length() - "NumOps".length()) : name;
            into.merge(prefix + key, value, Long::sum);
        }
    }

    private static final class Record extends MetricsRecordBuilder {
        private final Collector parent;

        Record(Collector parent) {
            this.parent = parent;
        }

        @Override
        public MetricsRecordBuilder tag(MetricsInfo info, String value) {
            return this;
        }

        @Override
        public MetricsRecordBuilder add(MetricsTag tag) {
            return this;
        }

        @Override
        public MetricsRecordBuilder add(AbstractMetric metric) {
            return this;
        }

        @Override
        public MetricsRecordBuilder setContext(String value) {
            return this;
        }

        @Override
        public MetricsRecordBuilder addCounter(MetricsInfo info, int value) {
            parent.counter(info.name(), value);
            return this;
        }

        @Override
        public MetricsRecordBuilder addCounter(MetricsInfo info, long value) {
            parent.counter(info.name(), value);
            return this;
        }

        @Override
        public MetricsRecordBuilder addGauge(MetricsInfo info, int value) {
            return this;
        }

        @Override
        public MetricsRecordBuilder addGauge(MetricsInfo info, long value) {
            return this;
        }

        @Override
        public MetricsRecordBuilder addGauge(MetricsInfo info, float value) {
            return this;
        }

        @Override
        public MetricsRecordBuilder addGauge(MetricsInfo info, double value) {
            return this;
        }

        @Override
        public MetricsCollector parent() {
            return parent;
        }
    }
}

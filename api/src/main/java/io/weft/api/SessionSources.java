package io.weft.api;

import io.weft.api.lineage.SourceNode;

/**
 * {@link WeftSession}'s way for a library to add its own reader: a {@link Source} becomes a dataset like any other.
 * Kept apart so the session's own file stays small; implemented by {@code WeftSession} alone.
 */
public interface SessionSources {

    /**
     * A dataset read by a library's source. The source is checked now: one that cannot be serialized fails here,
     * naming what it captured. Its partitions and their locations are asked for now, on this thread.
     *
     * @param name the operator's name for logs and the UI, e.g. {@code jdbcTable}
     * @param source the reader
     * @param <T> record type
     * @return the dataset, one partition per source partition
     */
    default <T> Dataset<T> fromSource(String name, Source<T> source) {
        WeftSession session = (WeftSession) this;
        return new Dataset<>(session, node(session, name, source));
    }

    /**
     * As {@link #fromSource(String, Source)} for a source of key-value pairs, giving a dataset with key-based
     * operators.
     *
     * @param name the operator's name
     * @param source the reader
     * @param <K> key type
     * @param <V> value type
     * @return the pairs
     */
    default <K, V> PairDataset<K, V> fromPairSource(String name, Source<Pair<K, V>> source) {
        WeftSession session = (WeftSession) this;
        return new PairDataset<>(session, node(session, name, source));
    }

    private static <T> SourceNode<T> node(WeftSession session, String name, Source<T> source) {
        session.checkOpen();
        if (source == null) {
            throw new NullPointerException(name + ": the source is null");
        }
        session.engine().checkClosure(name, source);
        return new SourceNode<>(session.engine().newNodeId(), CallSites.of(name), source);
    }
}

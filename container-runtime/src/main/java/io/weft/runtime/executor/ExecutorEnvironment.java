package io.weft.runtime.executor;

import io.weft.runtime.broadcast.BroadcastStore;
import io.weft.runtime.cache.BlockStore;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.shuffle.ShuffleStore;
import java.io.File;
import org.apache.hadoop.conf.Configuration;

/**
 * What an executor's tasks share: serializers, the shuffle store, the cache, broadcast values, the Hadoop
 * configuration and local scratch space. One per executor; thread-safe.
 *
 * @param executorId the executor's id
 * @param host the executor's host
 * @param kryo serializers with the application's class loader (in a class-loader scope's environment, with the
 *     scope's: see {@link ExecutorScopes}; the stores then take them per call)
 * @param shuffleStore map output files on the shuffle file system
 * @param blockStore cached partitions
 * @param broadcasts broadcast values fetched by this executor
 * @param hadoopConf for reading input and writing output
 * @param localDir scratch directory for spills
 * @param taskMemoryBytes the aggregation/sort budget of one running task
 * @param files fetches files and jars added to the application before a task runs
 * @param mapSideCombineUniqueRatio distinct keys per record in a map task's first records above which it stops
 *     combining before the shuffle ({@code weft.shuffle.mapSideCombine.uniqueRatio}; 1: always combine)
 */
public record ExecutorEnvironment(String executorId, String host, KryoPool kryo, ShuffleStore shuffleStore,
        BlockStore blockStore, BroadcastStore broadcasts, Configuration hadoopConf, File localDir,
        long taskMemoryBytes, io.weft.runtime.files.FileFetcher files, double mapSideCombineUniqueRatio) {
}

package io.weft.driver;

import io.weft.conf.WeftConf;
import io.weft.runtime.serial.KryoPool;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What a backend needs to set up executors for an application.
 *
 * @param applicationId the application
 * @param conf the session's settings
 * @param hadoopConf the Hadoop configuration
 * @param shuffleDir the application's shuffle directory
 * @param kryo the driver's serializers (local mode shares them)
 */
public record DriverContext(String applicationId, WeftConf conf, Configuration hadoopConf, Path shuffleDir,
        KryoPool kryo) {
}

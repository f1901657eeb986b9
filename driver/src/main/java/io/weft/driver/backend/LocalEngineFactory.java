package io.weft.driver.backend;

import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.conf.ConfigKeys;
import io.weft.conf.ShipList;
import io.weft.conf.WeftConf;
import io.weft.driver.ClusterBackend;
import io.weft.driver.DriverEngine;
import io.weft.status.DriverUi;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * Engines for {@code local}, {@code local[N]}, {@code local[*]} (executor threads in this JVM) and
 * {@code local-cluster[E,C,M]} (E executor JVMs on this machine with C cores and M MB of heap each).
 */
public final class LocalEngineFactory implements EngineFactory {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),\\s*(\\d+),\\s*(\\d+)]");

    @Override
    public boolean accepts(String master) {
        return LOCAL.matcher(master).matches() || LOCAL_CLUSTER.matcher(master).matches();
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        WeftConf conf = WeftConf.validate(config);
        Configuration hadoopConf = conf.hadoopConfiguration(new Configuration());
        String appId = "local-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        DriverEngine engine = DriverEngine.owningUi(DriverUi.start(appId, appName, conf, hadoopConf, true),
                ui -> new DriverEngine(appId, conf, hadoopConf, backendFor(master, appName), ui));
        // ---- shipping things with the job ----
        // Without YARN to localize them, weft.jars and weft.files are added as addJar and addFile add them.
        if (io.weft.driver.DynamicAllocationSettings.enabled(conf)) {
            org.slf4j.LoggerFactory.getLogger(LocalEngineFactory.class).warn("weft.dynamicAllocation.enabled is"
                    + " ignored with master {}: its executors are fixed; dynamic allocation works on YARN", master);
        }
        if (!conf.asMap().getOrDefault("weft.archives", "").isBlank()) {
            org.slf4j.LoggerFactory.getLogger(LocalEngineFactory.class).warn("weft.archives is ignored with master {}:"
                    + " only YARN's NodeManagers extract archives", master);
        }
        try {
            ShipList.parse(conf.get(ConfigKeys.JARS)).forEach(jar -> engine.addJar(jar.source()));
            ShipList.parse(conf.get(ConfigKeys.FILES)).forEach(file -> engine.addFile(file.source(), file.linkName()));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    private static ClusterBackend backendFor(String master, String appName) {
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            String n = local.group(1);
            int cores = n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(n);
            if (cores < 1) {
                throw new WeftException("Master " + master + " asks for no executor threads; use local[1] or more");
            }
            return new LocalBackend(cores);
        }
        Matcher cluster = LOCAL_CLUSTER.matcher(master);
        if (cluster.matches()) {
            return LocalClusterBackends.create(Integer.parseInt(cluster.group(1)), Integer.parseInt(cluster.group(2)),
                    Integer.parseInt(cluster.group(3)), appName);
        }
        throw new WeftException("Unknown master " + master);
    }
}

package io.weft.am.master;

import io.weft.status.ProxyAccess;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where YARN's web proxy runs, from the cluster's configuration, as YARN's own AM filter reads it: the standalone
 * proxy ({@code yarn.web-proxy.address}) when configured, else the ResourceManagers' web apps (one per HA id).
 */
public final class WebProxies {

    private static final Logger LOG = LoggerFactory.getLogger(WebProxies.class);

    private WebProxies() {
    }

    /**
     * @param conf the cluster's configuration
     * @param applicationId the application whose pages the proxy serves
     * @return the proxy's addresses and the application's base URL on it
     */
    public static ProxyAccess access(Configuration conf, String applicationId) {
        List<String> hostPorts = new ArrayList<>();
        String standalone = conf.getTrimmed("yarn.web-proxy.address");
        if (standalone != null && !standalone.isEmpty()) {
            hostPorts.add(standalone);
        } else if (conf.getBoolean("yarn.resourcemanager.ha.enabled", false)) {
            for (String id : conf.getTrimmedStrings("yarn.resourcemanager.ha.rm-ids")) {
                String address = conf.getTrimmed("yarn.resourcemanager.webapp.address." + id);
                if (address != null) {
                    hostPorts.add(address);
                }
            }
        }
        if (hostPorts.isEmpty()) {
            hostPorts.add(conf.getTrimmed("yarn.resourcemanager.webapp.address", "0.0.0.0:8088"));
        }
        Set<InetAddress> addresses = new HashSet<>();
        for (String hostPort : hostPorts) {
            String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
            try {
                addresses.addAll(List.of(InetAddress.getAllByName(host)));
            } catch (UnknownHostException e) {
                LOG.warn("Cannot resolve the web proxy host {}: {}", host, e.toString());
            }
        }
        return new ProxyAccess(addresses, "http://" + hostPorts.get(0) + "/proxy/" + applicationId);
    }
}

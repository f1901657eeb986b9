package io.weft.am.submit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.status.AppStatusStore.ApplicationInfo;
import io.weft.status.AppStatusStore.StageInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;

/**
 * Reads a running driver's status API through its tracking URL (in cluster mode the driver is the AM, so this is
 * how the client shows progress). Any thread; each call is one HTTP GET with short timeouts.
 */
final class RemoteStatus {

    private final String baseUrl;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** @param trackingUrl the application's tracking URL */
    RemoteStatus(String trackingUrl) {
        this.baseUrl = trackingUrl.endsWith("/") ? trackingUrl : trackingUrl + "/";
    }

    /**
     * @return the driver's stages, newest first
     * @throws UncheckedIOException when the driver cannot be reached
     */
    List<StageInfo> stages() {
        return get("api/v1/stages", new TypeReference<>() { });
    }

    /**
     * @return the driver's application summary
     * @throws UncheckedIOException when the driver cannot be reached
     */
    ApplicationInfo application() {
        return get("api/v1/application", new TypeReference<>() { });
    }

    private <T> T get(String path, TypeReference<T> type) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            if (connection.getResponseCode() != 200) {
                throw new IOException(baseUrl + path + " answered " + connection.getResponseCode());
            }
            try (InputStream in = connection.getInputStream()) {
                return json.readValue(in, type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

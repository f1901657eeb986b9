package io.weft.planner;

import java.io.Serializable;

/**
 * Where one map output keeps one reduce partition's bytes.
 *
 * @param mapIndex the map partition that wrote it
 * @param path the map output file
 * @param offset where the partition's bytes start
 * @param length how many bytes
 */
public record ShuffleBlock(int mapIndex, String path, long offset, long length) implements Serializable {
}

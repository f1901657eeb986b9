package io.weft.examples;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PageRank over a generated link graph: an iterative job that caches the links, which every iteration joins
 * with the current ranks.
 */
public final class PageRank {

    private PageRank() {
    }

    /**
     * @param args optional: pages, iterations
     */
    public static void main(String[] args) {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (WeftSession weft = WeftSession.builder().appName("pagerank").getOrCreate()) {
            Map<Integer, Double> ranks = run(weft, graph(pages), iterations, 4);
            ranks.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(5)
                    .forEach(e -> System.out.printf("page %d: %.4f%n", e.getKey(), e.getValue()));
        }
    }

    /**
     * @param pages number of pages
     * @return a deterministic graph: each page links to a few others, low-numbered pages are linked more
     */
    public static List<Pair<Integer, Integer>> graph(int pages) {
        List<Pair<Integer, Integer>> links = new ArrayList<>();
        for (int p = 0; p < pages; p++) {
            links.add(Pair.of(p, (p + 1) % pages));
            links.add(Pair.of(p, (p * 7 + 3) % pages));
            links.add(Pair.of(p, p % 10));
        }
        return links;
    }

    /**
     * @param weft the session
     * @param edges the links
     * @param iterations how many
     * @param partitions how many partitions
     * @return each page's rank
     */
    public static Map<Integer, Double> run(WeftSession weft, List<Pair<Integer, Integer>> edges, int iterations,
            int partitions) {
        return run(weft, edges, iterations, partitions, 0);
    }

    /**
     * PageRank that checkpoints the ranks every {@code checkpointEvery} iterations, as long iterative Spark jobs do:
     * each checkpoint cuts the ranks' lineage, so later iterations plan and recover from the checkpoint files
     * rather than from every earlier iteration. The session needs a checkpoint directory
     * ({@link WeftSession#setCheckpointDir}).
     *
     * @param weft the session
     * @param edges the links
     * @param iterations how many
     * @param partitions how many partitions
     * @param checkpointEvery checkpoint the ranks after every so many iterations; 0 never
     * @return each page's rank
     */
    public static Map<Integer, Double> run(WeftSession weft, List<Pair<Integer, Integer>> edges, int iterations,
            int partitions, int checkpointEvery) {
        PairDataset<Integer, List<Integer>> links = weft.parallelize(edges, partitions).mapToPair(e -> e)
                .distinct().mapToPair(e -> e).groupByKey(partitions);
        links.cache();
        PairDataset<Integer, Double> ranks = links.mapValues(targets -> 1.0);
        for (int i = 0; i < iterations; i++) {
            PairDataset<Integer, Double> contributions = links.join(ranks).values().flatMap(p -> {
                List<Integer> targets = p.key();
                double share = p.value() / targets.size();
                List<Pair<Integer, Double>> out = new ArrayList<>(targets.size());
                for (Integer t : targets) {
                    out.add(Pair.of(t, share));
                }
                return out.iterator();
            }).mapToPair(p -> p);
            ranks = contributions.reduceByKey(Double::sum, partitions).mapValues(sum -> 0.15 + 0.85 * sum);
            if (checkpointEvery > 0 && (i + 1) % checkpointEvery == 0) {
                ranks.checkpoint();
                ranks.count(); // the first job on the ranks writes the checkpoint and cuts the lineage
            }
        }
        return ranks.collectAsMap();
    }
}

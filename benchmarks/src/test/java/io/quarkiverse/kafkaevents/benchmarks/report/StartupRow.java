package io.quarkiverse.kafkaevents.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A start-up contestant's result: medians and ranges over its launches and builds, with ratios to the first contestant
 * (plain SmallRye) for the start-up time, the memory after start and the augmentation time.
 */
public record StartupRow(String contestant, int launches, double startedMillis, double startedMin, double startedMax,
        double startedRatio, double quarkusStartedMillis, double rssStartedMb, double rssStartedMinMb,
        double rssStartedMaxMb, double rssStartedRatio, double rssHandledMb, double rssHandledMinMb,
        double rssHandledMaxMb, double startCpuMillis, double eventsCpuMillis, int events, double handledMillis,
        int builds, double augmentationMillis, double augmentationMin, double augmentationMax,
        double augmentationRatio, double mavenMillis) {

    public static List<StartupRow> summarize(List<StartupRun> runs, List<BuildRun> builds) {
        Map<String, List<StartupRun>> byContestant = new LinkedHashMap<>();
        runs.forEach(run -> byContestant.computeIfAbsent(run.contestant(), c -> new ArrayList<>()).add(run));
        List<StartupRow> rows = new ArrayList<>();
        double[] baseline = null;
        for (List<StartupRun> launches : byContestant.values()) {
            String name = launches.get(0).contestant();
            List<BuildRun> built = builds.stream().filter(b -> b.contestant().equals(name)).toList();
            double started = median(launches, StartupRun::startedMillis);
            double rss = median(launches, StartupRun::rssStartedBytes) / (1 << 20);
            double augmentation = Stats.median(built.stream().map(b -> (double) b.augmentationMillis()).toList());
            if (baseline == null) {
                baseline = new double[] { started, rss, augmentation };
            }
            rows.add(new StartupRow(name, launches.size(), started, min(launches, StartupRun::startedMillis),
                    max(launches, StartupRun::startedMillis), started / baseline[0],
                    median(launches, StartupRun::quarkusStartedMillis), rss,
                    min(launches, StartupRun::rssStartedBytes) / (1 << 20),
                    max(launches, StartupRun::rssStartedBytes) / (1 << 20), rss / baseline[1],
                    median(launches, StartupRun::rssHandledBytes) / (1 << 20),
                    min(launches, StartupRun::rssHandledBytes) / (1 << 20),
                    max(launches, StartupRun::rssHandledBytes) / (1 << 20),
                    median(launches, StartupRun::startCpuMillis), median(launches, StartupRun::eventsCpuMillis),
                    launches.get(0).events(), median(launches, StartupRun::handledMillis), built.size(),
                    augmentation, Stats.min(built.stream().map(b -> (double) b.augmentationMillis()).toList()),
                    Stats.max(built.stream().map(b -> (double) b.augmentationMillis()).toList()),
                    augmentation / baseline[2],
                    Stats.median(built.stream().map(b -> (double) b.mavenMillis()).toList())));
        }
        return rows;
    }

    private static double median(List<StartupRun> runs, ToDoubleFunction<StartupRun> value) {
        return Stats.median(runs.stream().map(value::applyAsDouble).toList());
    }

    private static double min(List<StartupRun> runs, ToDoubleFunction<StartupRun> value) {
        return Stats.min(runs.stream().map(value::applyAsDouble).toList());
    }

    private static double max(List<StartupRun> runs, ToDoubleFunction<StartupRun> value) {
        return Stats.max(runs.stream().map(value::applyAsDouble).toList());
    }
}

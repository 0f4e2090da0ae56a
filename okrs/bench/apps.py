from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "okrs.bench"
    label = "bench"
    verbose_name = "Benchmark"

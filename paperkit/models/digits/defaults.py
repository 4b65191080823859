"""The trainer's default hyper-parameters, in a module without torch so the CLI can show them cheaply."""

TRAIN_DEFAULTS = dict(steps=5000, batch_size=128, lr=2e-3, seed=0, p_uncond=0.15, ema_decay=0.999,
                      warmup=200, weight_decay=0.01, augment=0)

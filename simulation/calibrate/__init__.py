"""`rpsim calibrate`: a county fits the model to its own records.

| module | what it owns |
|---|---|
| `spec` | the calibration file |
| `records` | reading a call log and a township panel; the data report |
| `direct` | what the records show directly (village rates, hours, seasons, road speed) |
| `observe` | the summary statistics, computed alike from records and simulated runs |
| `emulate` | history matching with Gaussian-process emulators; the posterior |
| `run` | the waves of runs, resumable, on any executor |
| `checks` | posterior predictive checks and prior-to-posterior figures |
| `outputs` | the whole calibration and what it writes |
| `synthetic` | a synthetic county's records from stated values (the example) |
"""

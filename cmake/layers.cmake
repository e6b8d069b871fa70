# The modules of src/, their layers, and the owner of each public header
# (include/convsent/). Read by the build, which makes one static library per
# module linked to the modules below it (CMakeLists.txt), and by
# check_layers.cmake, which refuses an include that reaches up or sideways.
# HACKING.md explains the layers.

# Lowest first. A new module gets a line here, or the check names it.
set(CONVSENT_LAYERS
    status=0 util=0  # Status and Result; JSON depth, line and CSV readers, HTML escaping
    text=1           # tokens, cues, redaction
    model=2          # features, lexicon, model file, scorer
    io=3 conversation=3         # score JSON; conversations and their rollup
    eval=4 import=4 sample=4    # messages and tone against people's labels; help-desk formats; the generator
    train=5 store=5             # training and adaptation; the store and its record families, both backends
    ingest=6 labels=6 report=6 review=6 net=6  # what reads and writes the store
    tree=7 sync=7    # the metric tree, over the report; help-desk APIs into the store
    discover=8       # emerging issues and drill-down, told apart from the tree's drivers
    server=9)        # HTTP
set(CONVSENT_HEADER_OWNERS
    status.h=status text.h=text language.h=text redact.h=text model.h=model scorer.h=model
    eval.h=eval score_format.h=io batch_score.h=io conversation.h=conversation rollup.h=conversation detectors.h=conversation
    train.h=train train_langid.h=train adapt.h=train langid.h=model import.h=import generator.h=sample
    store.h=store stored_conversations.h=store checkpoints.h=store announcements.h=store labels.h=store review_queue.h=store webhook_deliveries.h=store api_keys.h=store
    alerts.h=store backlog.h=store discovered_issues.h=store interventions.h=store live_log.h=store sync_cursors.h=store write_backs.h=store
    ingest.h=ingest label_import.h=labels tone_fit.h=labels audit_sample.h=labels estimate.h=report report.h=report stats.h=report
    webhook.h=net http_client.h=net sync.h=sync hooks.h=sync tree.h=tree discover.h=discover server.h=server)

"""Charts as PNG images, in one visual style, and sharing them in Slack.

The domain computes the figures (`hiring/`); these modules draw them with matplotlib's Agg backend,
imported on the first chart drawn (start-up never pays for it), and upload them with slack_sdk's
`files_upload_v2`. Drawing happens after the ack: on the background pool or in the scheduler's tick.
"""

"""
The WhatsApp channel: renders the bot's neutral messages for the Cloud API and takes its webhooks.
"""

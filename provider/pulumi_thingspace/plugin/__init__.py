"""The ThingSpace provider plugin (``pulumi-resource-thingspace``): the same resources, for every language.

The plugin serves the resources declared in :mod:`pulumi_thingspace.resources.registry` under the tokens
``thingspace:index:<Name>`` with camelCase properties, through the lifecycle the dynamic provider uses
(each family's ``ThingSpaceProvider``), so the two front doors cannot drift apart. :mod:`.values`
converts property values, :mod:`.provider` adapts the requests, :mod:`.server` serves them and reports
user errors by message, and :mod:`.install` writes the plugin folder or archive the engine loads.
"""

import pytest


@pytest.fixture(scope="session")
def generic_retriever():
    from kyodo.faq_bot.demo import generic_corpus
    from kyodo.faq_bot.retriever import Retriever

    return Retriever(generic_corpus())


@pytest.fixture(scope="session")
def faq_service():
    from pathlib import Path

    from kyodo.faq_bot.service import FaqService
    from kyodo.runner.registry import load_registry

    return FaqService(load_registry(Path("config/municipalities.yaml")))

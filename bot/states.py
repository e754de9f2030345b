"""Dialog states. They live in SQL (or Redis), so a dialog can be resumed after a restart."""

from aiogram.fsm.state import State, StatesGroup


class NewCase(StatesGroup):
    platform = State()
    problem = State()


class Intake(StatesGroup):
    problem = State()
    confirm = State()


class EditField(StatesGroup):
    value = State()


class TzInput(StatesGroup):
    value = State()
